import mongoose, { Schema, type Types } from 'mongoose';
import { mailCategories, type MailCategory } from './mailer';

/**
 * The outbox, insert-only: FerretDB 1.24 loses concurrent updates of one document, so no status field is ever
 * updated. A message is inserted once; each step of its delivery is a document of its own whose `_id` makes it happen
 * at most once (`<messageId>:<attempt>` for per-attempt steps, the message id for the final facts):
 *
 * - `mailDue`      attempt n of a message may start at `dueAt` (deleted once attempt n has its outcome and follow-up)
 * - `mailClaims`   attempt n was taken by a worker until `leaseUntil` (the insert is the claim: one winner)
 * - `mailAttempts` the outcome of attempt n (one winner too, so a late worker and a take-over cannot both decide)
 * - `mailSent`     the message was accepted by the SMTP server (or written to DATA_DIR/mail)
 * - `mailFailures` the last attempt failed: listed for admins, and for the trainer when the mail is a cohort's
 */
export type MailMessageDoc = {
  _id: Types.ObjectId;
  to: string;
  subject: string;
  /** The text, sealed (./seal.ts). */
  body: string;
  lang: string;
  category: MailCategory;
  cohortId: string | null;
  createdAt: Date;
};

const messageSchema = new Schema<MailMessageDoc>(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    body: { type: String, required: true },
    lang: { type: String, required: true },
    category: { type: String, enum: mailCategories, required: true },
    cohortId: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'mailMessages', versionKey: false },
);
export const MailMessage = mongoose.model<MailMessageDoc>('MailMessage', messageSchema);

export type MailDueDoc = { _id: string; messageId: Types.ObjectId; attempt: number; dueAt: Date };
const dueSchema = new Schema<MailDueDoc>(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true, min: 1 },
    dueAt: { type: Date, required: true },
  },
  { collection: 'mailDue', versionKey: false },
);
// Workers read the earliest due entries. Entries are deleted as messages finish, so this collection stays as small
// as the backlog (on FerretDB, where a range is filtered after reading, that keeps the read cheap).
dueSchema.index({ dueAt: 1 });
export const MailDue = mongoose.model<MailDueDoc>('MailDue', dueSchema);

export type MailClaimDoc = { _id: string; messageId: Types.ObjectId; attempt: number; worker: string; at: Date; leaseUntil: Date };
const claimSchema = new Schema<MailClaimDoc>(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true, min: 1 },
    worker: { type: String, required: true },
    at: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
  },
  { collection: 'mailClaims', versionKey: false },
);
// The purge deletes a delivered message's claims by message.
claimSchema.index({ messageId: 1 });
export const MailClaim = mongoose.model<MailClaimDoc>('MailClaim', claimSchema);

export type MailAttemptDoc = {
  _id: string;
  messageId: Types.ObjectId;
  attempt: number;
  ok: boolean;
  /** Why it failed, without credentials (see transport.ts); null when sent. */
  error: string | null;
  at: Date;
  /** When the next attempt is due; null when this attempt was the last (sent, or out of retries). */
  nextAt: Date | null;
};
const attemptSchema = new Schema<MailAttemptDoc>(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true, min: 1 },
    ok: { type: Boolean, required: true },
    error: { type: String, default: null },
    at: { type: Date, required: true },
    nextAt: { type: Date, default: null },
  },
  { collection: 'mailAttempts', versionKey: false },
);
// A message's history (operators reading the database), and the purge: equality on the message id.
attemptSchema.index({ messageId: 1 });
export const MailAttempt = mongoose.model<MailAttemptDoc>('MailAttempt', attemptSchema);

export type MailSentDoc = { _id: Types.ObjectId; attempt: number; at: Date };
const sentSchema = new Schema<MailSentDoc>(
  { _id: { type: Schema.Types.ObjectId, required: true }, attempt: { type: Number, required: true }, at: { type: Date, required: true } },
  { collection: 'mailSent', versionKey: false },
);
// The hourly purge finds messages delivered before the retention limit.
sentSchema.index({ at: 1 });
export const MailSent = mongoose.model<MailSentDoc>('MailSent', sentSchema);

/** The message's id; what admins and trainers see is copied here (never the body), so their pages read one collection. */
export type MailFailureDoc = {
  _id: Types.ObjectId;
  to: string;
  subject: string;
  category: MailCategory;
  cohortId: string | null;
  attempts: number;
  lastError: string;
  createdAt: Date;
  failedAt: Date;
};
const failureSchema = new Schema<MailFailureDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    category: { type: String, enum: mailCategories, required: true },
    cohortId: { type: String, default: null },
    attempts: { type: Number, required: true },
    lastError: { type: String, required: true },
    createdAt: { type: Date, required: true },
    failedAt: { type: Date, required: true },
  },
  { collection: 'mailFailures', versionKey: false },
);
// The trainer's cohort page lists its failed mail (equality on the cohort, newest first).
failureSchema.index({ cohortId: 1, failedAt: -1 });
// The admin page lists the newest failures.
failureSchema.index({ failedAt: -1 });
export const MailFailure = mongoose.model<MailFailureDoc>('MailFailure', failureSchema);

export const stepId = (messageId: Types.ObjectId | string, attempt: number) => `${String(messageId)}:${attempt}`;
