import { createHash, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { statusBitOf } from './certificate-format';
import type { CertificateView } from './certificate-view';
import { credentialKeyUri, type CredentialKeys } from './credential-keys';

/**
 * The certificate as a portable credential: an Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0),
 * secured as a compact JWS in the spec's "JSON Web Token Proof Format": the JWT payload is the credential itself plus
 * the claims iss, jti, nbf and sub; the header is { alg: RS256, kid: <URI of the public JWK>, typ: JWT }. Revocation is
 * published in a W3C Bitstring Status List credential, signed the same way. docs/credentials.md describes both.
 */
export const CREDENTIAL_CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
/** The minimum length of a Bitstring Status List, in bits (16 KB). */
export const STATUS_LIST_BITS = 131072;

const isoSeconds = (value: Date) => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
const seconds = (value: Date) => Math.floor(new Date(value).getTime() / 1000);

/** RFC 4122 name-based UUID (version 5, SHA-1) in the URL namespace. */
function uuidV5(name: string): string {
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The credential subject's id: kept with the certificate; for records issued before, derived from the verification URL. */
export function subjectIdOf(certificate: Pick<CertificateView, 'subjectId' | 'verifyUrl'>): string {
  return certificate.subjectId ?? `urn:uuid:${uuidV5(certificate.verifyUrl)}`;
}

export function statusListUrl(baseUrl: string, list: string): string {
  return `${baseUrl}/credentials/status/${list}`;
}

/** What a credential states: public fields of the certificate record. */
export type CredentialSource = Pick<
  CertificateView,
  | 'serial'
  | 'holderName'
  | 'courseSlug'
  | 'courseVersion'
  | 'courseTitle'
  | 'completedAt'
  | 'issuedAt'
  | 'issuer'
  | 'programme'
  | 'verifyUrl'
  | 'subjectId'
  | 'statusList'
  | 'statusListIndex'
>;

export function buildCredential(certificate: CredentialSource, baseUrl: string): Record<string, unknown> {
  const issuer = { id: `${baseUrl}/`, type: ['Profile'], name: certificate.issuer };
  const bit = statusBitOf(certificate);
  const listUrl = statusListUrl(baseUrl, bit.list);
  return {
    '@context': CREDENTIAL_CONTEXTS,
    id: certificate.verifyUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: isoSeconds(certificate.issuedAt),
    name: `${certificate.courseTitle.en} / ${certificate.courseTitle.zh}`,
    credentialSubject: {
      id: subjectIdOf(certificate),
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
    credentialStatus: {
      id: `${listUrl}#${bit.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(bit.index),
      statusListCredential: listUrl,
    },
    evidence: [{ id: certificate.verifyUrl, type: ['Evidence'], name: `Certificate ${certificate.serial}` }],
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A credential as a JWT (Open Badges 3.0 JSON Web Token Proof Format): the payload is the credential plus iss
 * (issuer.id), jti (id), nbf (validFrom) and sub (credentialSubject.id); exp would be validUntil, which certificates
 * do not have. RSASSA-PKCS1-v1_5 is deterministic, so the same record and key give the same token (the PDF carries it).
 */
export function signVerifiableCredential(credential: Record<string, unknown>, baseUrl: string, keys: CredentialKeys): string {
  const subject = credential.credentialSubject as { id: string };
  const payload = {
    ...credential,
    iss: (credential.issuer as { id: string }).id,
    jti: credential.id,
    nbf: seconds(new Date(credential.validFrom as string)),
    sub: subject.id,
  };
  const header = { alg: 'RS256', kid: credentialKeyUri(baseUrl, keys.current.kid), typ: 'JWT' };
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), keys.current.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

export function signCredentialJwt(certificate: CredentialSource, baseUrl: string, keys: CredentialKeys): string {
  return signVerifiableCredential(buildCredential(certificate, baseUrl), baseUrl, keys);
}

/**
 * A BitstringStatusListCredential (W3C Bitstring Status List v1.0, status purpose "revocation"): bit i set means the
 * credential with statusListIndex i is revoked or replaced. Index 0 is the most significant bit of the first byte; the
 * list is GZIP-compressed and multibase base64url encoded ("u" prefix, no padding), at least 131,072 bits long.
 */
export function buildStatusListCredential(input: {
  baseUrl: string;
  list: string;
  issuerName: string;
  setIndexes: number[];
  validFrom: Date;
}): Record<string, unknown> {
  const url = statusListUrl(input.baseUrl, input.list);
  const highest = input.setIndexes.reduce((max, index) => Math.max(max, index), -1);
  const bits = Math.max(STATUS_LIST_BITS, Math.ceil((highest + 1) / STATUS_LIST_BITS) * STATUS_LIST_BITS);
  const bytes = Buffer.alloc(bits / 8);
  for (const index of input.setIndexes) bytes[index >> 3] = bytes[index >> 3]! | (0x80 >> (index & 7));
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: `${input.baseUrl}/`, type: ['Profile'], name: input.issuerName },
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: `u${gzipSync(bytes, { level: 9 }).toString('base64url')}`,
    },
  };
}
