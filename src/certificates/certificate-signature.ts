import { sign, verify } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { CertificateDoc, RecordSignature } from './certificate.model';
import type { KeyRing } from './signing-keys';

export type SignedFields = Omit<CertificateDoc, 'signature' | 'holderSearch' | 'revocationNote' | 'issueKey'>;

/**
 * The signed statement: every public fact about the certificate, under a format version. Format 2 adds the credential
 * subject id and the status list bit; records issued before keep format 1 (their signatures stay valid).
 */
export function signedPayload(record: SignedFields): Record<string, unknown> {
  const base = signedPayloadV1(record);
  if (record.subjectId === undefined || record.subjectId === null) return base;
  return {
    ...base,
    format: 'procurement-academy/certificate@2',
    subjectId: record.subjectId,
    statusList: record.statusList ?? null,
    statusListIndex: record.statusListIndex ?? null,
  };
}

function signedPayloadV1(record: SignedFields): Record<string, unknown> {
  return {
    format: 'procurement-academy/certificate@1',
    serial: record.serial,
    code: record.code,
    learnerId: record.learnerId,
    holderName: record.holderName,
    courseSlug: record.courseSlug,
    courseVersion: record.courseVersion,
    courseTitle: { en: record.courseTitle.en, zh: record.courseTitle.zh },
    completedAt: new Date(record.completedAt),
    issuedAt: new Date(record.issuedAt),
    issuer: record.issuer,
    programme: record.programme,
    verifyUrl: record.verifyUrl,
    pdfSha256: record.pdfSha256,
    status: record.status,
    revokedAt: record.revokedAt ? new Date(record.revokedAt) : null,
    revocationReason: record.revocationReason ?? null,
    supersededAt: record.supersededAt ? new Date(record.supersededAt) : null,
    supersededBy: record.supersededBy ?? null,
    supersedes: record.supersedes ?? null,
  };
}

/** Signs any statement (canonical JSON of `payload`) with the current Ed25519 key. */
export function signStatement(ring: KeyRing, payload: Record<string, unknown>): RecordSignature {
  const message = Buffer.from(canonicalJson(payload), 'utf8');
  return { alg: 'EdDSA', kid: ring.current.kid, value: sign(null, message, ring.current.privateKey).toString('base64url') };
}

/** True when `signature` is by a trusted key over exactly the canonical JSON of `payload`. */
export function isStatementSignatureValid(
  ring: KeyRing,
  payload: Record<string, unknown>,
  signature: RecordSignature | null | undefined,
): boolean {
  const key = signature && typeof signature.kid === 'string' ? ring.trusted.get(signature.kid) : undefined;
  if (!signature || !key || signature.alg !== 'EdDSA' || typeof signature.value !== 'string') return false;
  try {
    return verify(null, Buffer.from(canonicalJson(payload), 'utf8'), key, Buffer.from(signature.value, 'base64url'));
  } catch {
    return false;
  }
}

/** Signs a record with the current key. */
export function signRecord(ring: KeyRing, record: SignedFields): RecordSignature {
  return signStatement(ring, signedPayload(record));
}

/** True when the record carries a signature by a trusted key over exactly its current fields. */
export function isRecordSignatureValid(ring: KeyRing, record: SignedFields & { signature?: RecordSignature | null }): boolean {
  return isStatementSignatureValid(ring, signedPayload(record), record.signature);
}

/** The signed statement "we produced a PDF file with this SHA-256 for this certificate" (certificateFiles). */
export function fileHashPayload(file: { serial: string; sha256: string }): Record<string, unknown> {
  return { format: 'procurement-academy/certificate-file@1', serial: file.serial, sha256: file.sha256 };
}

export function signFileHash(ring: KeyRing, file: { serial: string; sha256: string }): RecordSignature {
  return signStatement(ring, fileHashPayload(file));
}

/** A certificateFiles entry counts only with a valid signature: the collection itself is writable by the database. */
export function isFileHashSignatureValid(
  ring: KeyRing,
  file: { serial: string; sha256: string; signature?: RecordSignature | null },
): boolean {
  return isStatementSignatureValid(ring, fileHashPayload(file), file.signature);
}

/** Spends the same work as a real check; used when a code is unknown, so both answers take the same path. */
export function verifyDummy(ring: KeyRing): void {
  verify(null, Buffer.from('{}'), ring.current.publicKey, Buffer.alloc(64));
}
