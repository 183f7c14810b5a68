import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { liveLimiters } from './rate-limit';

/**
 * Rate-limit counts shared by every process of the app: each process inserts the hits it counted since the last sync
 * (insert-only, never `$inc`: FerretDB 1.24 loses concurrent updates of one document) and reads everyone's totals of
 * the current windows. Old windows are deleted.
 */
type RateLimitHitDoc = { limiter: string; key: string; windowStart: number; process: string; count: number; at: Date };

const rateLimitHitSchema = new Schema<RateLimitHitDoc>(
  {
    limiter: { type: String, required: true },
    key: { type: String, required: true },
    windowStart: { type: Number, required: true },
    process: { type: String, required: true },
    count: { type: Number, required: true },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'rateLimitHits', versionKey: false },
);
// The sync reads one limiter's current window.
rateLimitHitSchema.index({ limiter: 1, windowStart: 1 });

export const RateLimitHit = mongoose.model<RateLimitHitDoc>('RateLimitHit', rateLimitHitSchema);

const PROCESS = `${process.pid}-${randomBytes(4).toString('hex')}`;

/** Writes this process's new hits, then reads every process's totals of each limiter's current window. */
export async function syncRateLimits(): Promise<void> {
  const limiters = [...liveLimiters];
  const deltas = limiters.flatMap((limiter) => limiter.takeUnsynced());
  if (deltas.length)
    await RateLimitHit.insertMany(
      deltas.map((delta) => ({ ...delta, process: PROCESS })),
      { ordered: false },
    );
  for (const limiter of limiters) {
    const windowStart = limiter.currentWindowStart();
    const totals = new Map<string, number>();
    for (const row of await RateLimitHit.find({ limiter: limiter.name, windowStart }, { key: 1, count: 1, _id: 0 }).lean<
      RateLimitHitDoc[]
    >()) {
      totals.set(row.key, (totals.get(row.key) ?? 0) + row.count);
    }
    limiter.applyShared(totals);
  }
}

/** Deletes hits of windows that have ended (the longest window is an hour). */
export async function forgetOldRateLimitHits(now = Date.now()): Promise<void> {
  await RateLimitHit.deleteMany({ at: { $lt: new Date(now - 2 * 60 * 60 * 1000) } });
}

/**
 * Runs `tasks` one after another every `everyMs` while the database is connected, never two rounds at once
 * (unref'd; returns a stop function). The app uses it for what its processes share: rate-limit counts and course
 * publications.
 */
export function startSharedSync(tasks: (() => Promise<unknown>)[], onError: (error: unknown) => void, everyMs = 1000): () => void {
  let running = false;
  let ticks = 0;
  const timer = setInterval(() => {
    if (running || mongoose.connection.readyState !== 1) return;
    running = true;
    ticks += 1;
    (async () => {
      for (const task of tasks) await task();
      if (ticks % 600 === 0) await forgetOldRateLimitHits();
    })()
      .catch(onError)
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
