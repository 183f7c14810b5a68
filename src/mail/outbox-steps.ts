import type { Model } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';
import type { Logger } from '../logger';
import {
  MailAttempt,
  MailClaim,
  MailDue,
  MailFailure,
  MailMessage,
  MailSent,
  stepId,
  type MailAttemptDoc,
  type MailClaimDoc,
  type MailDueDoc,
  type MailMessageDoc,
} from './outbox.model';
import type { Sealer } from './seal';
import { describeFailure, maskAddress, type MailTransport } from './transport';

export type StepContext = {
  transport: MailTransport;
  sealer: Sealer;
  logger: Logger;
  /** Names this process in its claims (pid and a random part). */
  worker: string;
  retryDelaysMs: readonly number[];
  leaseMs: number;
  smtpUrl: string | undefined;
};

export type StepResult = 'sent' | 'retry' | 'failed' | 'busy' | 'gone';

/** Inserts a fact that may already exist (a retried follow-up, or another process got there first). */
async function insertOnce<T>(model: Model<T>, doc: Partial<T>): Promise<void> {
  try {
    await model.create(doc);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

type Outcome = Pick<MailAttemptDoc, 'ok' | 'error' | 'nextAt'>;

/**
 * Records attempt n's outcome, unless another process recorded one first (a take-over after the lease, or a worker
 * that finished late): the stored outcome wins either way, then its follow-up is applied. Every follow-up is an
 * insert of a fact with a fixed id plus a delete, so applying it twice changes nothing.
 */
async function settle(due: MailDueDoc, message: MailMessageDoc, proposed: Outcome, now: Date): Promise<StepResult> {
  const id = stepId(due.messageId, due.attempt);
  let outcome: Outcome = proposed;
  try {
    await MailAttempt.create({ _id: id, messageId: due.messageId, attempt: due.attempt, at: now, ...proposed });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    outcome = (await MailAttempt.findById(id).lean<MailAttemptDoc>()) ?? proposed;
  }
  return followUp(due, message, outcome, now);
}

async function followUp(due: MailDueDoc, message: MailMessageDoc, outcome: Outcome, now: Date): Promise<StepResult> {
  let result: StepResult;
  if (outcome.ok) {
    await insertOnce(MailSent, { _id: due.messageId, attempt: due.attempt, at: now });
    result = 'sent';
  } else if (outcome.nextAt) {
    const next = due.attempt + 1;
    await insertOnce(MailDue, { _id: stepId(due.messageId, next), messageId: due.messageId, attempt: next, dueAt: outcome.nextAt });
    result = 'retry';
  } else {
    await insertOnce(MailFailure, {
      _id: due.messageId,
      to: message.to,
      subject: message.subject,
      category: message.category,
      cohortId: message.cohortId,
      attempts: due.attempt,
      lastError: outcome.error ?? 'unknown error',
      createdAt: message.createdAt,
      failedAt: now,
    });
    result = 'failed';
  }
  await MailDue.deleteOne({ _id: due._id });
  return result;
}

/** When attempt n fails: the next one after its back-off delay, or none after the last. */
function failure(ctx: StepContext, attempt: number, error: string, now: Date, retryAt?: Date): Outcome {
  const delay = ctx.retryDelaysMs[attempt - 1];
  const nextAt = delay === undefined ? null : (retryAt ?? new Date(now.getTime() + delay));
  return { ok: false, error, nextAt };
}

/**
 * Works on one due entry: claims attempt n by inserting its claim (a duplicate key means another worker has it),
 * delivers, and settles the outcome. A claim whose lease ran out without an outcome belongs to a worker that died or
 * hung: its attempt is recorded as failed and the next attempt is due at once.
 */
export async function processDue(ctx: StepContext, due: MailDueDoc, now = new Date()): Promise<StepResult> {
  const id = stepId(due.messageId, due.attempt);
  try {
    await MailClaim.create({
      _id: id,
      messageId: due.messageId,
      attempt: due.attempt,
      worker: ctx.worker,
      at: now,
      leaseUntil: new Date(now.getTime() + ctx.leaseMs),
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return takeOver(ctx, due, now);
  }
  const message = await MailMessage.findById(due.messageId).lean<MailMessageDoc>();
  if (!message) {
    await MailDue.deleteOne({ _id: due._id });
    return 'gone';
  }
  let outcome: Outcome;
  try {
    const text = ctx.sealer.open(message.body);
    await ctx.transport.deliver({ id: String(message._id), to: message.to, subject: message.subject, text, lang: message.lang });
    outcome = { ok: true, error: null, nextAt: null };
  } catch (error) {
    const reason = describeFailure(error, ctx.smtpUrl);
    outcome = failure(ctx, due.attempt, reason, new Date());
    ctx.logger.warn(
      { mail: { id: String(message._id), to: maskAddress(message.to), attempt: due.attempt, retryAt: outcome.nextAt }, reason },
      'mail attempt failed',
    );
  }
  return settle(due, message, outcome, new Date());
}

async function takeOver(ctx: StepContext, due: MailDueDoc, now: Date): Promise<StepResult> {
  const id = stepId(due.messageId, due.attempt);
  const [claim, recorded, message] = await Promise.all([
    MailClaim.findById(id).lean<MailClaimDoc>(),
    MailAttempt.findById(id).lean<MailAttemptDoc>(),
    MailMessage.findById(due.messageId).lean<MailMessageDoc>(),
  ]);
  if (!message) {
    await MailDue.deleteOne({ _id: due._id });
    return 'gone';
  }
  // Finished but not yet followed up (the worker stopped in between): finish its follow-up.
  if (recorded) return followUp(due, message, recorded, now);
  if (!claim || claim.leaseUntil > now) return 'busy';
  ctx.logger.warn({ mail: { id: String(message._id), attempt: due.attempt, worker: claim.worker } }, 'mail attempt abandoned; taking over');
  return settle(due, message, failure(ctx, due.attempt, 'the worker that took this attempt stopped before finishing', now, now), now);
}
