import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The RSA key (RS256) that signs the portable credentials: Open Badges 3.0 names RS256 as the algorithm every verifier
 * supports, so a credential signed with it can be checked by any of them. Certificate records, status log entries and
 * file hashes keep their Ed25519 signatures (signing-keys.ts).
 *
 * Stored like the Ed25519 key: generated once into DATA_DIR/keys/credential-signing-rs256.pem (mode 0600; `wx` makes
 * processes starting together agree on one key), its public half in DATA_DIR/keys/public/<kid>.pem. Every RSA key in
 * that folder is published, so credentials signed before a rotation still verify.
 */
export type CredentialKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject };
export type CredentialKeys = { current: CredentialKey; trusted: ReadonlyMap<string, KeyObject> };
export type RsaJwk = { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };

const PRIVATE_FILE = 'credential-signing-rs256.pem';

/** Key id: base64url of the SHA-256 of the DER public key, first 16 characters. */
export function rsaKidOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 16);
}

/** The URI in a credential's JOSE header `kid`: it dereferences (HTTP GET) to the public JWK (Open Badges 3.0 §8.2). */
export function credentialKeyUri(baseUrl: string, kid: string): string {
  return `${baseUrl}/.well-known/certificate-keys/${kid}.json`;
}

export function loadCredentialKeys(dataDir: string): CredentialKeys {
  const dir = path.join(dataDir, 'keys');
  mkdirSync(path.join(dir, 'public'), { recursive: true, mode: 0o700 });
  const file = path.join(dir, PRIVATE_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    try {
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${PRIVATE_FILE} must hold an RSA key`);
  const publicKey = createPublicKey(privateKey);
  const kid = rsaKidOf(publicKey);
  const publicFile = path.join(dir, 'public', `${kid}.pem`);
  if (!existsSync(publicFile)) writeFileSync(publicFile, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 });
  const trusted = new Map<string, KeyObject>();
  for (const name of readdirSync(path.join(dir, 'public'))
    .filter((entry) => entry.endsWith('.pem'))
    .sort()) {
    const candidate = createPublicKey(readFileSync(path.join(dir, 'public', name), 'utf8'));
    if (candidate.asymmetricKeyType === 'rsa') trusted.set(rsaKidOf(candidate), candidate);
  }
  trusted.set(kid, publicKey);
  return { current: { kid, privateKey, publicKey }, trusted };
}

/** The published JWK of an RSA key; its `kid` is the dereferenceable URI a credential header names. */
export function rsaJwk(publicKey: KeyObject, kid: string, baseUrl: string): RsaJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '', kid: credentialKeyUri(baseUrl, kid), alg: 'RS256', use: 'sig' };
}
