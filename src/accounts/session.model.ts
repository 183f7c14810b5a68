import mongoose, { Schema, type Types } from 'mongoose';

/**
 * One row per browser session. `data` is the session serialised as JSON text: session contents are never used in
 * queries, and as text they cannot trip FerretDB's rules on keys (no `.` or leading `$`) or NUL characters.
 */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: String, required: true },
    // Copied out of `data` so that all sessions of one user can be ended at once (password change or reset).
    userId: { type: Schema.Types.ObjectId, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false },
);

// FerretDB has no TTL indexes: the store's sweeper runs `deleteMany({ expiresAt: { $lte: now } })` on this index.
sessionSchema.index({ expiresAt: 1 });
// "Sign out everywhere": deleteMany({ userId }) after a password change or reset.
sessionSchema.index({ userId: 1 });

export type SessionRecord = { _id: string; data: string; userId: Types.ObjectId | null; expiresAt: Date };

export const SessionModel = mongoose.model<SessionRecord>('Session', sessionSchema);

/** Ends every session of one user, except optionally the one making the request. */
export async function destroyUserSessions(userId: Types.ObjectId | string, exceptSessionId?: string): Promise<void> {
  // `trusted` keeps this operator intact should Mongoose's sanitizeFilter ever be switched on (the id is ours).
  await SessionModel.deleteMany({ userId, ...(exceptSessionId ? { _id: mongoose.trusted({ $ne: exceptSessionId }) } : {}) });
}
