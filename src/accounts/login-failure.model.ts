import mongoose, { Schema, type Types } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';

/**
 * Failed sign-ins as insert-only facts, numbered per user behind a unique index. FerretDB 1.24 applies an update as
 * read-modify-write, so 50 parallel `$inc` on one counter keep only a few (measured): a lockout counted that way can
 * be outrun. Here every attempt first claims the next number (a duplicate key means another attempt took it: read
 * again), and only an attempt that got a number below the lock checks the password, so the lock holds after exactly
 * LOCKOUT_THRESHOLD failures however many arrive at once.
 */
export type LoginFailureDoc = { userId: Types.ObjectId; n: number; at: Date };

const loginFailureSchema = new Schema<LoginFailureDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    n: { type: Number, required: true, min: 1 },
    at: { type: Date, required: true },
  },
  { collection: 'loginFailures', versionKey: false },
);
// Every sign-in reads a user's failures; unique so that two attempts can never claim the same number.
loginFailureSchema.index({ userId: 1, n: 1 }, { unique: true });

export const LoginFailure = mongoose.model<LoginFailureDoc>('LoginFailure', loginFailureSchema);

export const LOCKOUT_THRESHOLD = 5;
const LOCK_BASE_MS = 15 * 60 * 1000;
const LOCK_MAX_MS = 60 * 60 * 1000;

type LockState = { lastN: number; lockedUntil?: Date };

/**
 * Failures above `base` (the number reached at the last success or reset) count. Every LOCKOUT_THRESHOLD of them
 * lock the account for 15 minutes, then 30, then 60 at most, from the last one. Attempts while locked claim nothing,
 * so an attacker cannot extend a lock for ever.
 */
async function readLockState(userId: Types.ObjectId, base: number, now: Date): Promise<LockState> {
  const failures = await LoginFailure.find({ userId }, { n: 1, at: 1, _id: 0 }).lean<LoginFailureDoc[]>();
  const counted = failures.filter((failure) => failure.n > base);
  const lastN = Math.max(base, ...failures.map((failure) => failure.n));
  if (counted.length === 0 || counted.length % LOCKOUT_THRESHOLD !== 0) return { lastN };
  const round = counted.length / LOCKOUT_THRESHOLD;
  const last = counted.reduce((latest, failure) => (failure.n > latest.n ? failure : latest));
  const lockedUntil = new Date(last.at.getTime() + Math.min(LOCK_BASE_MS * 2 ** (round - 1), LOCK_MAX_MS));
  return lockedUntil > now ? { lastN, lockedUntil } : { lastN };
}

export type AttemptClaim = { locked: true } | { locked: false; n: number };

/**
 * Claims the next failure number before a password is checked (so the attempt already counts if it turns out
 * wrong), or answers locked. `ignoreLock`: a signed-in user's wrong current password counts, lock or not.
 */
export async function claimSignInAttempt(
  userId: Types.ObjectId,
  base: number,
  now = new Date(),
  ignoreLock = false,
): Promise<AttemptClaim> {
  for (let attempt = 0; attempt < LOCKOUT_THRESHOLD * 4; attempt += 1) {
    const state = await readLockState(userId, base, now);
    if (state.lockedUntil && !ignoreLock) return { locked: true };
    try {
      await LoginFailure.create({ userId, n: state.lastN + 1, at: now });
      return { locked: false, n: state.lastN + 1 };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  // Contention this heavy is an attack in progress: refusing is the safe answer.
  return { locked: true };
}

/** The number of the latest failure, from which a successful sign-in or a reset starts counting again. */
export async function lastFailureNumber(userId: Types.ObjectId): Promise<number> {
  const failures = await LoginFailure.find({ userId }, { n: 1, _id: 0 }).lean<LoginFailureDoc[]>();
  return Math.max(0, ...failures.map((failure) => failure.n));
}

/** Deletes failures that no longer count (deleting is safe under concurrency: it never races an insert of the same number). */
export async function forgetFailuresUpTo(userId: Types.ObjectId, n: number): Promise<void> {
  await LoginFailure.deleteMany({ userId, n: { $lte: n } });
}
