import type { RequestHandler, Response } from 'express';
import { TooManyRequests } from './errors';

/**
 * What one process knows of a key in the current window: `shared`, every process's hits as last read from the shared
 * store (its own included), and `unsynced`, this process's hits (or reset) not written there yet.
 */
type WindowCount = { windowStart: number; shared: number; unsynced: number };

/** Hits recorded by one process for one key and window (the shared store inserts these; see rate-limit-sync.ts). */
export type HitDelta = { limiter: string; key: string; windowStart: number; count: number };

/**
 * A fixed-window counter (windows aligned to multiples of `windowMs`, so every process agrees on them).
 *
 * Counting happens in memory, so a limited request costs no database round trip. When several processes serve the
 * app, `startRateLimitSync` (rate-limit-sync.ts) shares the counts through the database every second: each process
 * inserts what it counted (insert-only: FerretDB 1.24 loses concurrent `$inc`) and reads what the others counted.
 * The limit then holds across processes up to what arrives within one sync interval.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, WindowCount>();

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    liveLimiters.add(this);
  }

  private windowStart(now: number): number {
    return Math.floor(now / this.windowMs) * this.windowMs;
  }

  private current(key: string, now: number): WindowCount {
    const windowStart = this.windowStart(now);
    let window = this.windows.get(key);
    if (!window || window.windowStart !== windowStart) {
      this.makeRoom(windowStart);
      window = { windowStart, shared: 0, unsynced: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Counts one hit for `key`; `allowed` is false once the limit is passed within the window. */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = this.now();
    const window = this.current(key, now);
    window.unsynced += 1;
    return {
      allowed: window.shared + window.unsynced <= this.limit,
      retryAfterSeconds: Math.max(1, Math.ceil((window.windowStart + this.windowMs - now) / 1000)),
    };
  }

  /** Forgets a key (for example the per-account counter after a successful sign-in), in every process once synced. */
  reset(key: string): void {
    const window = this.current(key, this.now());
    // A negative delta cancels what every process counted so far in this window.
    window.unsynced = -window.shared;
  }

  /** Counts a hit and throws a localised 429 (with Retry-After) when over the limit. */
  enforce(key: string, res: Response, message = 'error.429.body'): void {
    const { allowed, retryAfterSeconds } = this.hit(key);
    if (allowed) return;
    res.set('Retry-After', String(retryAfterSeconds));
    throw new TooManyRequests(message);
  }

  /** What this process counted since the last sync (and forgets it as unsynced). */
  takeUnsynced(): HitDelta[] {
    const deltas: HitDelta[] = [];
    for (const [key, window] of this.windows) {
      if (window.unsynced === 0) continue;
      deltas.push({ limiter: this.name, key, windowStart: window.windowStart, count: window.unsynced });
      // Counted as shared at once: the read that follows the write replaces it with the store's own total.
      window.shared += window.unsynced;
      window.unsynced = 0;
    }
    return deltas;
  }

  /** Every process's counts in the current window, by key, as read from the shared store after this process wrote. */
  applyShared(counts: Map<string, number>): void {
    const windowStart = this.windowStart(this.now());
    for (const [key, shared] of counts) {
      const window = this.windows.get(key);
      if (window && window.windowStart === windowStart) window.shared = shared;
      else if (shared > 0) {
        this.makeRoom(windowStart);
        this.windows.set(key, { windowStart, shared, unsynced: 0 });
      }
    }
  }

  currentWindowStart(): number {
    return this.windowStart(this.now());
  }

  /** Keeps memory bounded: drop finished windows, then the oldest ones if a flood of keys still fills the map. */
  private makeRoom(windowStart: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) if (window.windowStart < windowStart) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** Every limiter of this process, for the shared sync. */
export const liveLimiters = new Set<FixedWindowLimiter>();

/** Middleware limiting by client IP (as Express sees it: `trust proxy` decides whether X-Forwarded-For counts). */
export function limitByIp(limiter: FixedWindowLimiter, message?: string): RequestHandler {
  return (req, res, next) => {
    limiter.enforce(req.ip ?? 'unknown', res, message);
    next();
  };
}
