import session, { type SessionData } from 'express-session';
import mongoose, { Types } from 'mongoose';
import { SessionModel } from './session.model';

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

  constructor(
    private readonly options: { idleMs: number; sweepEveryMs?: number; onSweepError?: (error: unknown) => void },
  ) {
    super();
    mongoose.connection.on('connected', this.onConnected);
    mongoose.connection.on('close', this.onClosed);
    if (mongoose.connection.readyState === 1) this.startSweeping();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    SessionModel.findOne({ _id: sid, expiresAt: mongoose.trusted({ $gt: new Date() }) }, { data: 1 })
      .lean()
      .then((row) => callback(null, row ? parseSession(row.data) : null), callback);
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    const userId = (data as { passport?: { user?: unknown } }).passport?.user;
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
    ).then(() => callback?.(), (error: unknown) => callback?.(error));
  }

  override touch(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    SessionModel.updateOne({ _id: sid }, { $set: { expiresAt: this.expiryOf(data) } }).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    SessionModel.deleteOne({ _id: sid }).then(() => callback?.(), (error: unknown) => callback?.(error));
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
    this.sweeper = setInterval(() => {
      if (mongoose.connection.readyState !== 1) return;
      this.sweep().catch((error: unknown) => this.options.onSweepError?.(error));
    }, this.options.sweepEveryMs ?? 10 * 60 * 1000);
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
