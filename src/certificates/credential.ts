import { sign } from 'node:crypto';
import type { CertificateView } from './certificates.service';
import type { KeyRing } from './signing-keys';

/**
 * The certificate as a portable credential: an Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential),
 * secured as a compact JWS (VC-JWT) with EdDSA/Ed25519 and the `kid` of a key in
 * /.well-known/certificate-keys.json. The format is described in docs/credentials.md.
 */
export const CREDENTIAL_CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

const isoSeconds = (value: Date) => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildCredential(certificate: CertificateView, baseUrl: string): Record<string, unknown> {
  const issuer = { id: `${baseUrl}/`, type: ['Profile'], name: certificate.issuer };
  return {
    '@context': CREDENTIAL_CONTEXTS,
    id: certificate.verifyUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: isoSeconds(certificate.issuedAt),
    name: `${certificate.courseTitle.en} / ${certificate.courseTitle.zh}`,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: certificate.holderName }],
      activityEndDate: isoSeconds(certificate.completedAt),
      achievement: {
        id: `${baseUrl}/courses/${certificate.courseSlug}#version-${certificate.courseVersion}`,
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: certificate.courseTitle.en,
        description: `Completion of the course "${certificate.courseTitle.en}" (${certificate.courseTitle.zh}), version ${certificate.courseVersion}, in the ${certificate.programme}.`,
        criteria: { narrative: 'Completed every module of the course and passed its quizzes, as the course requires.' },
        inLanguage: 'en',
      },
    },
    evidence: [{ id: certificate.verifyUrl, type: ['Evidence'], name: `Certificate ${certificate.serial}` }],
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Signs the credential as a JWT: header { alg: EdDSA, kid, typ: JWT }, claims iss, sub, jti, nbf, iat and `vc`
 * (Open Badges 3.0 §8.2 VC-JWT). Ed25519 signatures are deterministic, so the same record and key give the same token.
 */
export function signCredentialJwt(certificate: CertificateView, baseUrl: string, ring: KeyRing): string {
  const vc = buildCredential(certificate, baseUrl);
  const issuedSeconds = Math.floor(new Date(certificate.issuedAt).getTime() / 1000);
  const header = { alg: 'EdDSA', kid: ring.current.kid, typ: 'JWT' };
  const claims = { iss: `${baseUrl}/`, sub: certificate.serial, jti: certificate.verifyUrl, nbf: issuedSeconds, iat: issuedSeconds, vc };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), ring.current.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}
