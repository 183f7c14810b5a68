import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rsaJwk, type CredentialKeys, type RsaJwk } from './credential-keys';

/**
 * Ed25519 keys that sign certificate records and credentials.
 *
 * Storage: the private key comes from CERT_SIGNING_KEY, or is generated once into DATA_DIR/keys/certificate-signing.pem
 * (mode 0600). The public half of every key that has ever been current is written to DATA_DIR/keys/public/<kid>.pem,
 * and every PEM in that folder is trusted for verification and published in the JWK set. So rotating (a new
 * CERT_SIGNING_KEY, or `rotateSigningKey`) keeps old certificates verifiable. The trust anchor is the file system,
 * not the database: someone who can only write to the database cannot add a key and forge records.
 */
export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject };
export type KeyRing = { current: SigningKey; trusted: ReadonlyMap<string, KeyObject> };
export type PublicJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };

const PRIVATE_FILE = 'certificate-signing.pem';

/** Key id: base64url of the SHA-256 of the raw 32-byte public key, first 16 characters (96 bits). */
export function kidOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return createHash('sha256').update(raw).digest('base64url').slice(0, 16);
}

function keysDir(dataDir: string): string {
  return path.join(dataDir, 'keys');
}

/** Reads the stored private key, or creates it; `wx` makes two processes starting together agree on one key. */
function storedPrivateKeyPem(dataDir: string): string {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, PRIVATE_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8');
}

function readTrustedKeys(dir: string): Map<string, KeyObject> {
  const trusted = new Map<string, KeyObject>();
  if (!existsSync(dir)) return trusted;
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.pem'))
    .sort()) {
    const key = createPublicKey(readFileSync(path.join(dir, name), 'utf8'));
    if (key.asymmetricKeyType === 'ed25519') trusted.set(kidOf(key), key);
  }
  return trusted;
}

/** Loads the current key and every trusted public key. Call once at start or on first use, never at import. */
export function loadKeyRing(options: { dataDir: string; signingKeyPem?: string }): KeyRing {
  const privateKey = createPrivateKey(options.signingKeyPem ?? storedPrivateKeyPem(options.dataDir));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the certificate signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const kid = kidOf(publicKey);
  const publicDir = path.join(keysDir(options.dataDir), 'public');
  mkdirSync(publicDir, { recursive: true, mode: 0o755 });
  const publicFile = path.join(publicDir, `${kid}.pem`);
  if (!existsSync(publicFile)) writeFileSync(publicFile, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 });
  const trusted = readTrustedKeys(publicDir);
  trusted.set(kid, publicKey);
  return { current: { kid, privateKey, publicKey }, trusted };
}

/**
 * Replaces the stored private key with a new one (only for keys kept under DATA_DIR; with CERT_SIGNING_KEY, set a
 * new value instead). The old public key stays in keys/public, so what it signed still verifies; the old private
 * key is deleted. Reconfigure (restart) afterwards.
 */
export function rotateSigningKey(dataDir: string): { retiredKid: string; newKid: string } {
  const retired = loadKeyRing({ dataDir });
  unlinkSync(path.join(keysDir(dataDir), PRIVATE_FILE));
  const fresh = loadKeyRing({ dataDir });
  return { retiredKid: retired.current.kid, newKid: fresh.current.kid };
}

/**
 * The public JWK set for /.well-known/certificate-keys.json: the Ed25519 keys (current first; records, status log
 * entries and file hashes name them by their short kid), then the RS256 credential keys, whose kid is the URI that
 * dereferences to the key alone (the `kid` of a credential's JOSE header).
 */
export function publicJwks(ring: KeyRing, credentials?: { keys: CredentialKeys; baseUrl: string }): { keys: (PublicJwk | RsaJwk)[] } {
  const kids = [ring.current.kid, ...[...ring.trusted.keys()].filter((kid) => kid !== ring.current.kid).sort()];
  const edKeys: PublicJwk[] = kids.map((kid) => {
    const key = ring.trusted.get(kid) as KeyObject;
    return { kty: 'OKP', crv: 'Ed25519', x: key.export({ format: 'jwk' }).x ?? '', kid, alg: 'EdDSA', use: 'sig' };
  });
  if (!credentials) return { keys: edKeys };
  const { keys, baseUrl } = credentials;
  const rsaKids = [keys.current.kid, ...[...keys.trusted.keys()].filter((kid) => kid !== keys.current.kid).sort()];
  return { keys: [...edKeys, ...rsaKids.map((kid) => rsaJwk(keys.trusted.get(kid) as KeyObject, kid, baseUrl))] };
}
