import { AsyncResource } from 'node:async_hooks';
import mongoose from 'mongoose';
import type { Logger } from '../logger';
import { MailDue, type MailDueDoc } from './outbox.model';
import { purgeDeliveredMail } from './outbox.service';
import { processDue, type StepContext, type StepResult } from './outbox-steps';

/** Due entries read per query, and messages delivered at once by one process. */
const BATCH = 10;
const CONCURRENCY = 3;
/** A pass stops after this many full batches, so a large backlog cannot keep one pass (and shutdown) waiting. */
const MAX_BATCHES_PER_PASS = 20;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export type OutboxWorker = {
  /** Polls every `pollMs`, and purges delivered mail hourly, until stopped (unref'd: it never keeps a process alive). */
  start(): void;
  /** Asks for a pass soon (called on every send); ignored once stopped. */
  nudge(): void;
  /** Runs one pass now (tests); resolves with what happened to each entry it read. */
  runPass(): Promise<StepResult[]>;
  /** Stops polling and waits for the pass in progress (bounded by `waitMs`); what is left is taken over later. */
  stop(waitMs?: number): Promise<void>;
};

/**
 * The outbox worker of one process. Every process of the app runs one; they share the work through the claims of
 * outbox-steps.ts, so each message is sent once however many run. A pass reads the earliest due entries in small
 * batches and works on them a few at a time; passes never overlap within a process.
 */
export function createOutboxWorker(ctx: StepContext & { pollMs: number; keepMs: number; logger: Logger }): OutboxWorker {
  let timer: NodeJS.Timeout | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let purging: Promise<unknown> | undefined;
  let stopped = false;
  let current: Promise<StepResult[]> | undefined;
  let again = false;
  // Nudges come from request handlers: running the pass in the worker's own async context keeps its database writes
  // out of the request's (tracing, and the fuzz test's per-request write accounting).
  const scope = new AsyncResource('mail-outbox-worker');

  async function work(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (let round = 0; round < MAX_BATCHES_PER_PASS && !stopped; round += 1) {
      const due = await MailDue.find({ dueAt: { $lte: new Date() } })
        .sort({ dueAt: 1 })
        .limit(BATCH)
        .lean<MailDueDoc[]>();
      for (let i = 0; i < due.length; i += CONCURRENCY) {
        results.push(...(await Promise.all(due.slice(i, i + CONCURRENCY).map((entry) => processDue(ctx, entry)))));
      }
      // Entries other workers hold are read again by the next query: stop when a batch moved nothing forward.
      if (due.length < BATCH || results.slice(-due.length).every((result) => result === 'busy')) break;
    }
    return results;
  }

  function runPass(): Promise<StepResult[]> {
    if (current) {
      again = true;
      return current;
    }
    if (mongoose.connection.readyState !== 1) return Promise.resolve([]);
    current = work()
      .catch((error: unknown) => {
        ctx.logger.warn({ err: error }, 'mail outbox pass failed; it is retried at the next poll');
        return [] as StepResult[];
      })
      .finally(() => {
        current = undefined;
        if (again && !stopped) {
          again = false;
          schedule();
        }
      });
    return current;
  }

  function schedule(): void {
    scope.runInAsyncScope(() => setImmediate(() => void runPass()));
  }

  function purge(): void {
    if (purging || mongoose.connection.readyState !== 1) return;
    purging = purgeDeliveredMail(new Date(Date.now() - ctx.keepMs))
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'purging delivered mail failed; it is retried in an hour'))
      .finally(() => (purging = undefined));
  }

  return {
    start() {
      if (timer || stopped) return;
      timer = scope.runInAsyncScope(() => setInterval(() => void runPass(), ctx.pollMs));
      timer.unref();
      purgeTimer = scope.runInAsyncScope(() => setInterval(purge, PURGE_EVERY_MS));
      purgeTimer.unref();
      schedule();
    },
    nudge() {
      if (!stopped) schedule();
    },
    runPass,
    async stop(waitMs = 10_000) {
      stopped = true;
      clearInterval(timer);
      clearInterval(purgeTimer);
      const busy = [current, purging].filter(Boolean);
      if (busy.length) await Promise.race([Promise.all(busy), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
    },
  };
}
