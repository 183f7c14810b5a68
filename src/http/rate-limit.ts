import type { RequestHandler, Response } from 'express';
import { TooManyRequests } from './errors';

/**
 * A fixed-window counter kept in memory.
 *
 * Why our own and in memory: the app runs as one process (with its embedded database), the keys we need are not
 * only the client IP but also the normalised email, known only after validation, and a dozen lines beat a
 * dependency. Counts reset on restart; the durable protection against password guessing is the per-account lockout
 * stored with the user. If the app is ever run as several processes, give this class a database-backed twin
 * (`$inc` with upsert on `{ key, window }`) with the same `hit` signature.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit for `key`; `allowed` is false once the limit is passed within the window. */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.makeRoom(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= this.limit, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  /** Forgets a key (for example the per-account counter after a successful sign-in). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Counts a hit and throws a localised 429 (with Retry-After) when over the limit. */
  enforce(key: string, res: Response, message = 'error.429.body'): void {
    const { allowed, retryAfterSeconds } = this.hit(key);
    if (allowed) return;
    res.set('Retry-After', String(retryAfterSeconds));
    throw new TooManyRequests(message);
  }

  /** Keeps memory bounded: drop finished windows, then the oldest ones if a flood of keys still fills the map. */
  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** Middleware limiting by client IP (as Express sees it: `trust proxy` decides whether X-Forwarded-For counts). */
export function limitByIp(limiter: FixedWindowLimiter, message?: string): RequestHandler {
  return (req, res, next) => {
    limiter.enforce(req.ip ?? 'unknown', res, message);
    next();
  };
}
