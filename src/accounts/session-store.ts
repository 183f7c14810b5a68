import session, { type SessionData } from 'express-session';
import mongoose, { Types } from 'mongoose';
import { SessionModel } from './session.model';
import { LruCache } from '../lru-cache';

/** An unreadable row counts as no session (the visitor simply starts a new one). */
function parseSession(data: string): SessionData | null {
  try {
    return JSON.parse(data) as SessionData;
  } catch {
    return null;
  }
}

/**
 * An express-session store over the app's own Mongoose connection.
 *
 * Why not connect-mongo: it wants a MongoClient (or a promise of one) when the app is built, but the app is built
 * before the database is connected and reconnects on its own (src/lifecycle.ts), and its close() closes that
 * client, which here would be Mongoose's own. Going through Mongoose uses whatever connection is current, fails
 * fast with a 503 while the database is down (bufferCommands is off), and keeps the user id outside the JSON for
 * "sign out everywhere".
 * FerretDB has no TTL indexes, so expired rows are removed by a periodic delete (unref'd timer, stopped when the
 * Mongoose connection closes, restarted when it connects again).
 */
export class MongooseSessionStore extends session.Store {
  private sweeper: NodeJS.Timeout | undefined;
  private readonly onConnected = () => this.startSweeping();
  private readonly onClosed = () => this.stopSweeping();

  constructor(private readonly options: { idleMs: number; sweepEveryMs?: number; onSweepError?: (error: unknown) => void }) {
    super();
    mongoose.connection.on('connected', this.onConnected);
    mongoose.connection.on('close', this.onClosed);
    if (mongoose.connection.readyState === 1) this.startSweeping();
  }

  /**
   * The stored expiry of sessions this process read lately. `rolling` asks for a touch on every response; writing
   * one per page view would double the database work of reading, so a touch is written only once the expiry would
   * move by more than a twentieth of the idle timeout (6 minutes of 120): a session then ends between 114 and 120
   * idle minutes. (connect-mongo's `touchAfter` does the same.)
   */
  private readonly storedExpiry = new LruCache<number>(10_000);

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    SessionModel.findOne({ _id: sid, expiresAt: mongoose.trusted({ $gt: new Date() }) }, { data: 1, expiresAt: 1 })
      .lean()
      .then((row) => {
        if (row) this.storedExpiry.set(sid, new Date(row.expiresAt).getTime());
        else this.storedExpiry.delete(sid);
        callback(null, row ? parseSession(row.data) : null);
      }, callback);
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    // The user id is kept outside the JSON for "sign out everywhere"; the session holds the user or (earlier) its id.
    const stored = (data as { passport?: { user?: unknown } }).passport?.user;
    const userId = typeof stored === 'object' && stored !== null ? (stored as { id?: unknown }).id : stored;
    this.storedExpiry.set(sid, this.expiryOf(data).getTime());
    SessionModel.updateOne(
      { _id: sid },
      {
        $set: {
          data: JSON.stringify(data),
          userId: typeof userId === 'string' && Types.ObjectId.isValid(userId) ? new Types.ObjectId(userId) : null,
          expiresAt: this.expiryOf(data),
        },
      },
      { upsert: true },
    ).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override touch(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = this.expiryOf(data);
    const stored = this.storedExpiry.get(sid);
    if (stored !== undefined && expiresAt.getTime() - stored < this.options.idleMs / 20) {
      callback?.();
      return;
    }
    this.storedExpiry.set(sid, expiresAt.getTime());
    SessionModel.updateOne({ _id: sid }, { $set: { expiresAt } }).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.storedExpiry.delete(sid);
    SessionModel.deleteOne({ _id: sid }).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  /** Deletes expired sessions; returns how many went. */
  async sweep(now = new Date()): Promise<number> {
    const result = await SessionModel.deleteMany({ expiresAt: mongoose.trusted({ $lte: now }) });
    return result.deletedCount;
  }

  /** Stops the sweeper and forgets the connection (for tests that build many apps). */
  close(): void {
    this.stopSweeping();
    mongoose.connection.off('connected', this.onConnected);
    mongoose.connection.off('close', this.onClosed);
  }

  private expiryOf(data: SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.options.idleMs);
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        if (mongoose.connection.readyState !== 1) return;
        this.sweep().catch((error: unknown) => this.options.onSweepError?.(error));
      },
      this.options.sweepEveryMs ?? 10 * 60 * 1000,
    );
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
