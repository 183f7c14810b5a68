import { Types } from 'mongoose';
import type { OutgoingMail } from './mailer';
import { MailAttempt, MailClaim, MailDue, MailFailure, MailMessage, MailSent, stepId, type MailFailureDoc } from './outbox.model';
import type { Sealer } from './seal';
import { maskAddress } from './transport';

/**
 * Stores a message for delivery: the message, then its first due entry. Once this resolves the message cannot be
 * lost (a crash before the second insert leaves an unsent message behind, but then the caller saw the send fail).
 */
export async function enqueueMail(mail: OutgoingMail, sealer: Sealer, now = new Date()): Promise<string> {
  const _id = new Types.ObjectId();
  await MailMessage.create({
    _id,
    to: mail.to,
    subject: mail.subject,
    body: sealer.seal(mail.text),
    lang: mail.lang,
    category: mail.category ?? 'account',
    cohortId: mail.cohortId ?? null,
    createdAt: now,
  });
  await MailDue.create({ _id: stepId(_id, 1), messageId: _id, attempt: 1, dueAt: now });
  return String(_id);
}

/** A message whose last retry failed, as admins and trainers see it: no body, the recipient partly masked. */
export type FailedMessage = {
  id: string;
  to: string;
  subject: string;
  category: MailFailureDoc['category'];
  cohortId: string | null;
  attempts: number;
  lastError: string;
  createdAt: Date;
  failedAt: Date;
};

const toFailedMessage = (doc: MailFailureDoc): FailedMessage => ({
  id: String(doc._id),
  to: maskAddress(doc.to),
  subject: doc.subject,
  category: doc.category,
  cohortId: doc.cohortId,
  attempts: doc.attempts,
  lastError: doc.lastError,
  createdAt: doc.createdAt,
  failedAt: doc.failedAt,
});

/** A cohort's mail that could not be delivered after the last retry, newest first (for the trainer's cohort page). */
export async function failedMessagesForCohort(cohortId: string, limit = 100): Promise<FailedMessage[]> {
  const docs = await MailFailure.find({ cohortId }).sort({ failedAt: -1 }).limit(limit).lean<MailFailureDoc[]>();
  return docs.map(toFailedMessage);
}

/** Every message that could not be delivered after the last retry, newest first (admins). */
export async function listFailedMessages(limit = 100): Promise<FailedMessage[]> {
  const docs = await MailFailure.find({}).sort({ failedAt: -1 }).limit(limit).lean<MailFailureDoc[]>();
  return docs.map(toFailedMessage);
}

/** Messages waiting for a first attempt or a retry (the outbox's backlog). */
export async function countWaitingMessages(): Promise<number> {
  return MailDue.countDocuments({});
}

/**
 * Deletes what is left of messages delivered before `before` (body, attempts, claims, then the sent fact that finds
 * them, so an interrupted purge is finished by the next), at most `limit` a call. Deleting never races an insert of
 * the same fact, so every process may run it. Failures stay: admins and trainers list them.
 */
export async function purgeDeliveredMail(before: Date, limit = 500): Promise<number> {
  const sent = await MailSent.find({ at: { $lt: before } }, { _id: 1 })
    .limit(limit)
    .lean<{ _id: Types.ObjectId }[]>();
  if (!sent.length) return 0;
  const ids = sent.map((doc) => doc._id);
  await MailMessage.deleteMany({ _id: { $in: ids } });
  await MailAttempt.deleteMany({ messageId: { $in: ids } });
  await MailClaim.deleteMany({ messageId: { $in: ids } });
  await MailSent.deleteMany({ _id: { $in: ids } });
  return ids.length;
}
