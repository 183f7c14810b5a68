import { createHash, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { User } from '../accounts/user.model';
import { recordAudit } from '../audit/audit.service';
import { getCourseVersion } from '../courses/courses.service';
import { formatCode, generateCode } from './certificate-code';
import { formatSerial } from './certificate-format';
import { renderCertificatePdf, type CertificatePdfInput } from './certificate-pdf';
import { signCredentialJwt, type CredentialSource } from './credential';
import { isFileHashSignatureValid, isRecordSignatureValid, signFileHash, signRecord, type SignedFields } from './certificate-signature';
import {
  Certificate,
  CertificateFile,
  SerialReservation,
  type Bilingual,
  type CertificateDoc,
  type CertificateFileDoc,
  type SerialReservationDoc,
} from './certificate.model';
import { certificateSettings, credentialKeys, keyRing } from './certificates.context';
import { LruCache } from '../lru-cache';
import { reserveStatusBit } from './status-list.service';
import { toCertificateView, type CertificateView } from './certificate-view';
import { isDuplicateKey } from '../db/duplicate-key';

export type IssueInput = { learnerId: string; courseSlug: string; courseVersion: number; completedAt: Date };

export const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');
export const searchableName = (name: string) => name.normalize('NFKC').toLowerCase();

/**
 * Allocates the serial for one issuance without a counter: insert (year, highest number + 1) and retry on a
 * duplicate key. If another attempt already reserved a serial for the same issueKey, that one is returned, so
 * concurrent attempts all print the same serial and only one certificate can be stored.
 */
async function reserveSerial(issueKey: string): Promise<SerialReservationDoc> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const existing = await SerialReservation.findOne({ issueKey }).lean<SerialReservationDoc>();
    if (existing) return existing;
    // Whole seconds: the PDF metadata stores dates to the second, and the issue date is printed from this.
    const reservedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const year = reservedAt.getUTCFullYear();
    const last = await SerialReservation.findOne({ year }, { number: 1 }).sort({ number: -1 }).limit(1).lean<{ number: number }>();
    const number = (last?.number ?? 0) + 1;
    const reservation = { year, number, serial: formatSerial(year, number), issueKey, reservedAt };
    try {
      await SerialReservation.create(reservation);
      return reservation;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error('certificates: could not allocate a serial number');
}

type NewCertificate = {
  issueKey: string;
  learnerId: string;
  holderName: string;
  courseSlug: string;
  courseVersion: number;
  courseTitle: Bilingual;
  completedAt: Date;
  supersedes: string | null;
};

/** Renders, hashes, signs and stores a certificate exactly once per issueKey; a duplicate returns the stored one. */
export async function createCertificate(input: NewCertificate): Promise<{ doc: CertificateDoc; isNew: boolean }> {
  const reservation = await reserveSerial(input.issueKey);
  const statusBit = await reserveStatusBit(reservation.serial, String(reservation.year));
  const { baseUrl, issuerName, programmeName } = certificateSettings();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = await Certificate.findOne({ issueKey: input.issueKey }).lean<CertificateDoc>();
    if (stored) return { doc: stored, isNew: false };
    const code = generateCode();
    const fields = {
      serial: reservation.serial,
      code,
      learnerId: input.learnerId,
      holderName: input.holderName,
      courseSlug: input.courseSlug,
      courseVersion: input.courseVersion,
      courseTitle: { en: input.courseTitle.en, zh: input.courseTitle.zh },
      completedAt: new Date(input.completedAt),
      issuedAt: reservation.reservedAt,
      issuer: issuerName,
      programme: programmeName,
      verifyUrl: `${baseUrl}/verify/${formatCode(code)}`,
      status: 'valid' as const,
      revokedAt: null,
      revocationReason: null,
      supersededAt: null,
      supersededBy: null,
      supersedes: input.supersedes,
      subjectId: `urn:uuid:${randomUUID()}`,
      statusList: statusBit.list,
      statusListIndex: statusBit.index,
    };
    const pdfSha256 = sha256Hex(await renderRecordPdf(fields));
    const record: SignedFields = { ...fields, pdfSha256 };
    const doc: CertificateDoc = {
      ...record,
      issueKey: input.issueKey,
      holderSearch: searchableName(input.holderName),
      revocationNote: null,
      signature: signRecord(keyRing(), record),
    };
    try {
      await Certificate.create(doc);
      return { doc, isNew: true };
    } catch (error) {
      // Another attempt stored this issuance first (or, once in 2^95, the code was taken): look again.
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error('certificates: could not store the certificate');
}

/**
 * Renders the PDF of a record with its Open Badges credential attached. Deterministic: the same record, RS256 key and
 * BASE_URL give the same bytes.
 */
export function renderRecordPdf(record: CertificatePdfInput & CredentialSource): Promise<Buffer> {
  const credentialJwt = signCredentialJwt(record, certificateSettings().baseUrl, credentialKeys());
  return renderCertificatePdf({ ...record, credentialJwt });
}

/** Follows corrections to the certificate that replaced this one, if any. */
export async function latestOf(doc: CertificateDoc): Promise<CertificateDoc> {
  let current = doc;
  for (let hop = 0; hop < 20 && current.status === 'superseded' && current.supersededBy; hop += 1) {
    const next = await Certificate.findOne({ serial: current.supersededBy }).lean<CertificateDoc>();
    if (!next) break;
    current = next;
  }
  return current;
}

/** A public snapshot for the audit log. */
const AUDITED_FIELDS = [
  'serial',
  'holderName',
  'courseSlug',
  'courseVersion',
  'status',
  'revokedAt',
  'revocationReason',
  'revocationNote',
  'supersededBy',
  'supersedes',
  'pdfSha256',
] as const satisfies readonly (keyof CertificateDoc)[];

export function auditSnapshot(doc: CertificateDoc): Record<string, unknown> {
  return Object.fromEntries(AUDITED_FIELDS.map((field) => [field, doc[field]]));
}

/**
 * Issues the certificate for a completed course: exactly one per (learner, course, version), however many times
 * and however concurrently it is called. A repeat call returns the existing certificate (after a name correction,
 * the corrected one) with isNew false. The holder name is the account's name at this moment.
 */
export async function issueCertificate(input: IssueInput): Promise<{ certificate: CertificateView; isNew: boolean }> {
  const completedAt = new Date(input.completedAt);
  if (
    !Types.ObjectId.isValid(input.learnerId) ||
    !/^[a-z0-9-]{1,100}$/.test(input.courseSlug) ||
    !Number.isInteger(input.courseVersion) ||
    Number.isNaN(completedAt.getTime())
  ) {
    throw new Error('issueCertificate: invalid input');
  }
  const issueKey = `${input.learnerId}:${input.courseSlug}:${input.courseVersion}`;
  const existing = await Certificate.findOne({ issueKey }).lean<CertificateDoc>();
  if (existing) return { certificate: toCertificateView(await latestOf(existing)), isNew: false };
  const [user, course] = await Promise.all([
    User.findById(input.learnerId, { name: 1 }).lean<{ name: string }>(),
    getCourseVersion(input.courseSlug, input.courseVersion),
  ]);
  if (!user) throw new Error(`issueCertificate: no learner ${input.learnerId}`);
  if (!course) throw new Error(`issueCertificate: no course ${input.courseSlug} version ${input.courseVersion}`);
  const { doc, isNew } = await createCertificate({
    issueKey,
    learnerId: input.learnerId,
    holderName: user.name,
    courseSlug: input.courseSlug,
    courseVersion: input.courseVersion,
    courseTitle: { en: course.title.en, zh: course.title.zh },
    completedAt,
    supersedes: null,
  });
  if (isNew)
    await recordAudit({
      actorId: null,
      action: 'certificate.issue',
      targetType: 'certificate',
      targetId: doc.serial,
      before: null,
      after: auditSnapshot(doc),
    });
  return { certificate: toCertificateView(isNew ? doc : await latestOf(doc)), isNew };
}

export async function findCertificate(serial: string): Promise<CertificateDoc | null> {
  return Certificate.findOne({ serial }).lean<CertificateDoc>();
}

/** A learner's certificates, newest first. */
export async function listLearnerCertificates(learnerId: string): Promise<CertificateView[]> {
  const docs = await Certificate.find({ learnerId }).sort({ learnerId: 1, issuedAt: -1 }).limit(500).lean<CertificateDoc[]>();
  return docs.map(toCertificateView);
}

/**
 * Recently served PDFs (least recently used out first; about 60 KB each). Rendering takes ~20 ms of CPU and
 * allocates a few MB that the heap keeps afterwards; a certificate is typically downloaded several times (the
 * learner, then whoever they send it to), and who may download is checked before this cache is consulted.
 */
const renderedPdfs = new LruCache<Buffer>(64);

/**
 * The PDF of a stored certificate, rendered again from its record (same record, same bytes). Refuses a record whose
 * signature does not check. If the template, fonts or PDF library changed since issue, the bytes differ: that file
 * is recorded too, so an uploaded copy of it is still recognised.
 */
export async function certificatePdf(doc: CertificateDoc): Promise<Buffer | undefined> {
  if (!isRecordSignatureValid(keyRing(), doc)) {
    certificateSettings().logger?.error({ serial: doc.serial }, 'certificate record fails its signature check');
    return undefined;
  }
  // The signature value covers every field the PDF shows; the attached credential also depends on the RS256 key and
  // BASE_URL. Together they key the rendered bytes exactly.
  const key = `${doc.serial}\u0000${doc.signature.value}\u0000${credentialKeys().current.kid}\u0000${certificateSettings().baseUrl}`;
  const cached = renderedPdfs.get(key);
  if (cached) return cached;
  const pdf = await renderRecordPdf(doc);
  renderedPdfs.set(key, pdf);
  const sha256 = sha256Hex(pdf);
  if (sha256 !== doc.pdfSha256) {
    certificateSettings().logger?.warn({ serial: doc.serial }, 'certificate PDF differs from the file issued (template or fonts changed)');
    await recordRendition(doc.serial, sha256);
  }
  return pdf;
}

/**
 * Records a signed rendition hash. An entry already there without a valid signature (inserted by someone else
 * through the database) is replaced, so it cannot block the genuine one.
 */
async function recordRendition(serial: string, sha256: string): Promise<void> {
  const ring = keyRing();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await CertificateFile.create({ serial, sha256, signature: signFileHash(ring, { serial, sha256 }) });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await CertificateFile.findOne({ serial, sha256 }).lean<CertificateFileDoc>();
    if (!existing || isFileHashSignatureValid(ring, existing)) return;
    certificateSettings().logger?.error({ serial, sha256 }, 'certificateFiles entry without a valid signature replaced');
    await CertificateFile.deleteOne({ serial, sha256 });
  }
}

/** For the dashboard: course slug → download link of the learner's current, valid certificate for that course. */
export async function certificateLinks(
  learnerId: string,
  courses: { courseSlug: string; courseVersion: number }[],
): Promise<Map<string, string>> {
  const issueKeys = courses.map((course) => `${learnerId}:${course.courseSlug}:${course.courseVersion}`);
  // One equality lookup per course rather than one `$in`: FerretDB pushes equality down to its backend (where an
  // index can serve it) but evaluates `$in` itself after reading the whole collection.
  const found = await Promise.all(issueKeys.map((issueKey) => Certificate.findOne({ issueKey }).lean<CertificateDoc>()));
  const links = new Map<string, string>();
  for (const doc of found) {
    if (!doc) continue;
    const current = await latestOf(doc);
    if (current.status === 'valid') links.set(doc.courseSlug, `/certificates/${current.serial}.pdf`);
  }
  return links;
}
