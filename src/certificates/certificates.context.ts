import type { Config } from '../config';
import type { Logger } from '../logger';
import { loadCredentialKeys, type CredentialKeys } from './credential-keys';
import { loadKeyRing, type KeyRing } from './signing-keys';

export type CertificateSettings = {
  baseUrl: string;
  dataDir: string;
  issuerName: string;
  programmeName: string;
  signingKeyPem: string | undefined;
  logger: Logger | undefined;
};

let settings: CertificateSettings | undefined;
let ring: KeyRing | undefined;
let credentialRing: CredentialKeys | undefined;

/**
 * Gives the certificates feature its configuration. buildApp calls it; scripts that issue certificates without the
 * web app call it themselves. The signing key is read on first use, not here and never at import time.
 */
export function configureCertificates(
  config: Pick<Config, 'baseUrl' | 'dataDir' | 'issuerName' | 'programmeName' | 'certSigningKey'>,
  logger?: Logger,
): void {
  settings = {
    baseUrl: config.baseUrl,
    dataDir: config.dataDir,
    issuerName: config.issuerName,
    programmeName: config.programmeName,
    signingKeyPem: config.certSigningKey,
    logger,
  };
  ring = undefined;
  credentialRing = undefined;
}

export function certificateSettings(): CertificateSettings {
  if (!settings) throw new Error('certificates: call configureCertificates(config) first (buildApp does)');
  return settings;
}

/** The signing keys, loaded once on first use. */
export function keyRing(): KeyRing {
  if (!ring) {
    const { dataDir, signingKeyPem } = certificateSettings();
    ring = loadKeyRing({ dataDir, signingKeyPem });
    settings?.logger?.info({ kid: ring.current.kid, trustedKeys: ring.trusted.size }, 'certificate signing key loaded');
  }
  return ring;
}

/** The RS256 keys of the portable credentials and the status lists, loaded (or generated) once on first use. */
export function credentialKeys(): CredentialKeys {
  if (!credentialRing) {
    credentialRing = loadCredentialKeys(certificateSettings().dataDir);
    settings?.logger?.info({ kid: credentialRing.current.kid }, 'credential signing key (RS256) loaded');
  }
  return credentialRing;
}
