import { recordAudit } from '../audit/audit.service';
import { assertCanManageCourse, managedCourseSlugs, type Actor } from '../access/course-access';
import { parseCode } from './certificate-code';
import { SERIAL_PATTERN, statusBitOf } from './certificate-format';
import { isRecordSignatureValid, signRecord } from './certificate-signature';
import { Certificate, type CertificateDoc, type RevocationReason } from './certificate.model';
import { certificateSettings, keyRing } from './certificates.context';
import { auditSnapshot, createCertificate, searchableName } from './certificates.service';
import {
  appendStatusChange,
  reportIntegrityProblem,
  statusEntryFor,
  type StatusChangeInput,
  type VerifiedEntry,
} from './status-log.service';

export type { Actor };
export type AdminFailure = 'not_found' | 'not_valid' | 'invalid_record' | 'same_name' | 'integrity_error';

/** How long a logged status change may wait for its record update before it counts as left by a stopped process. */
const STALE_CHANGE_MS = 60_000;

/**
 * A stored certificate the actor may change: it exists, the actor manages its course (admins: every course;
 * trainers: the courses assigned to them; otherwise Forbidden), it is valid according to the status log, and its
 * record is untouched.
 */
async function changeable(actor: Actor, serial: string): Promise<CertificateDoc | AdminFailure> {
  const doc = await Certificate.findOne({ serial }).lean<CertificateDoc>();
  if (!doc) return 'not_found';
  await assertCanManageCourse(actor, doc.courseSlug);
  // Re-signing an altered record would launder the alteration.
  if (!isRecordSignatureValid(keyRing(), doc)) return 'invalid_record';
  const lookup = await statusEntryFor(serial);
  if (!lookup.ok) {
    reportIntegrityProblem(lookup.problem, { serial });
    return 'integrity_error';
  }
  if (lookup.entry) {
    // Logged but the record still valid. Within a minute that is a change in progress (its own request writes the
    // record); older, the process that logged it stopped before writing the record: finish that change now.
    if (doc.status === 'valid' && Date.now() - lookup.entry.at.getTime() > STALE_CHANGE_MS) {
      certificateSettings().logger?.warn({ serial, seq: lookup.entry.seq }, 'certificate record completed from the status log');
      await applyStatus(doc, lookup.entry);
    }
    return 'not_valid';
  }
  return doc.status === 'valid' ? doc : 'not_valid';
}

/** The record with the status of a log entry, re-signed, written in one update of the whole signed state. */
async function applyStatus(doc: CertificateDoc, entry: VerifiedEntry, note: string | null = null): Promise<CertificateDoc> {
  const changes: Partial<CertificateDoc> =
    entry.status === 'revoked'
      ? { status: 'revoked', revokedAt: entry.at, revocationReason: entry.reason, revocationNote: note }
      : { status: 'superseded', supersededAt: entry.at, supersededBy: entry.supersededBy };
  const next: CertificateDoc = { ...doc, ...changes };
  next.signature = signRecord(keyRing(), next);
  const { _id: _ignored, ...fields } = next as CertificateDoc & { _id?: unknown };
  await Certificate.updateOne({ serial: doc.serial, status: 'valid' }, { $set: fields });
  return next;
}

/**
 * Sets a new status on a valid certificate: first the signed, chained entry in the status log (at most one per
 * certificate, so of two concurrent changes exactly one wins), then the re-signed record.
 */
async function changeStatus(
  doc: CertificateDoc,
  change: StatusChangeInput,
  note: string | null = null,
): Promise<CertificateDoc | AdminFailure> {
  const appended = await appendStatusChange(change);
  if (!appended.ok) return 'integrity_error';
  // Another request changed it first; that request writes the record (a refused request writes nothing).
  if (!appended.isNew) return 'not_valid';
  return applyStatus(doc, appended.entry, note);
}

function statusFields(doc: CertificateDoc): { statusList: string; statusListIndex: number } {
  const bit = statusBitOf(doc);
  return { statusList: bit.list, statusListIndex: bit.index };
}

/** Revokes a certificate with a public reason category and an internal note. */
export async function revokeCertificate(
  actor: Actor,
  input: { serial: string; reason: RevocationReason; note: string },
  now = new Date(),
): Promise<CertificateDoc | AdminFailure> {
  const doc = await changeable(actor, input.serial);
  if (typeof doc === 'string') return doc;
  const revoked = await changeStatus(
    doc,
    { serial: doc.serial, status: 'revoked', at: now, reason: input.reason, supersededBy: null, ...statusFields(doc) },
    input.note || null,
  );
  if (typeof revoked === 'string') return revoked;
  await recordAudit(
    {
      actorId: actor.id,
      action: 'certificate.revoke',
      targetType: 'certificate',
      targetId: doc.serial,
      before: auditSnapshot(doc),
      after: auditSnapshot(revoked),
    },
    now,
  );
  return revoked;
}

/**
 * Corrects the holder name: issues a new certificate (new serial and code) with the corrected name, then marks the
 * old one superseded by it. Safe to repeat after a crash: the replacement is keyed to the old serial.
 */
export async function correctCertificateName(
  actor: Actor,
  input: { serial: string; name: string },
  now = new Date(),
): Promise<{ old: CertificateDoc; replacement: CertificateDoc } | AdminFailure> {
  const doc = await changeable(actor, input.serial);
  if (typeof doc === 'string') return doc;
  if (doc.holderName === input.name) return 'same_name';
  const { doc: replacement, isNew } = await createCertificate({
    issueKey: `supersedes:${doc.serial}`,
    learnerId: doc.learnerId,
    holderName: input.name,
    courseSlug: doc.courseSlug,
    courseVersion: doc.courseVersion,
    courseTitle: doc.courseTitle,
    completedAt: doc.completedAt,
    supersedes: doc.serial,
  });
  const old = await changeStatus(doc, {
    serial: doc.serial,
    status: 'superseded',
    at: now,
    reason: null,
    supersededBy: replacement.serial,
    ...statusFields(doc),
  });
  if (typeof old === 'string') return old;
  if (isNew)
    await recordAudit(
      {
        actorId: actor.id,
        action: 'certificate.issue',
        targetType: 'certificate',
        targetId: replacement.serial,
        before: null,
        after: auditSnapshot(replacement),
      },
      now,
    );
  await recordAudit(
    {
      actorId: actor.id,
      action: 'certificate.correct-name',
      targetType: 'certificate',
      targetId: doc.serial,
      before: auditSnapshot(doc),
      after: auditSnapshot(old),
    },
    now,
  );
  return { old, replacement };
}

export const ADMIN_PAGE_SIZE = 25;

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Certificates for the admin list, newest first, one page at a time, limited to the courses a trainer manages. The
 * query may be a serial, a verification code (any spelling parseCode accepts) or part of a holder's name.
 */
export async function searchCertificates(
  actor: Actor,
  query: string,
  page: number,
): Promise<{ items: CertificateDoc[]; page: number; hasNext: boolean }> {
  const trimmed = query.trim();
  const code = parseCode(trimmed);
  const slugs = await managedCourseSlugs(actor);
  const match = !trimmed
    ? {}
    : SERIAL_PATTERN.test(trimmed.toUpperCase())
      ? { serial: trimmed.toUpperCase() }
      : code.ok
        ? { code: code.code }
        : { holderSearch: { $regex: escapeRegex(searchableName(trimmed)) } };
  const filter = slugs === undefined ? match : { ...match, courseSlug: { $in: slugs } };
  const docs = await Certificate.find(filter)
    .sort({ issuedAt: -1 })
    .skip((page - 1) * ADMIN_PAGE_SIZE)
    .limit(ADMIN_PAGE_SIZE + 1)
    .lean<CertificateDoc[]>();
  return { items: docs.slice(0, ADMIN_PAGE_SIZE), page, hasNext: docs.length > ADMIN_PAGE_SIZE };
}
