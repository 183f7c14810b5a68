import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const roles = ['learner', 'trainer', 'admin'] as const;
export type Role = (typeof roles)[number];
/** By number of employees: micro under 10, small 10-49, medium 50-249, large 250 or more. */
export const enterpriseSizes = ['micro', 'small', 'medium', 'large'] as const;
export const preferredLanguages = ['en', 'zh-CN'] as const;

// The model refuses what validation at the edge already refuses, so scripts and importers cannot bypass it:
// control characters (NUL included: FerretDB rejects it) and bidirectional overrides that disguise a name.
export const FORBIDDEN_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const plainText = (max: number) => ({
  validator: (value: string | undefined | null) => value == null || (!FORBIDDEN_TEXT.test(value) && [...value].length <= max),
  message: `must be at most ${max} characters, without control characters`,
});

const profileSchema = new Schema(
  {
    companyName: { type: String, trim: true, validate: plainText(200) },
    enterpriseSize: { type: String, enum: enterpriseSizes },
    // UN Women definition: at least 51% owned, managed and controlled by one or more women.
    womenOwned: { type: Boolean },
    region: { type: String, trim: true, validate: plainText(100) },
    sector: { type: String, trim: true, validate: plainText(100) },
    preferredLanguage: { type: String, enum: preferredLanguages },
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    name: {
      type: String,
      required: true,
      trim: true,
      validate: { validator: (value: string) => value.length > 0 && !FORBIDDEN_TEXT.test(value) && [...value].length <= 100, message: 'invalid name' },
    },
    // Always stored trimmed and lower-cased, so the unique index also catches `A@B.org` vs `a@b.org`.
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: roles, default: 'learner', required: true },
    profile: { type: profileSchema, default: () => ({}) },
    failedLogins: { type: Number, default: 0, min: 0 },
    lockedUntil: { type: Date, default: null },
  },
  { timestamps: true, collection: 'users' },
);

// Sign-in, registration and password reset look users up by email; unique so two accounts never share one.
userSchema.index({ email: 1 }, { unique: true });

export type UserRecord = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export const User = mongoose.model('User', userSchema);

export const LOCKOUT_THRESHOLD = 5;
const LOCK_BASE_MS = 15 * 60 * 1000;
const LOCK_MAX_MS = 60 * 60 * 1000;

/**
 * Counts a failed sign-in atomically; every LOCKOUT_THRESHOLD consecutive failures locks the account for 15 min,
 * then 30, then 60 at most. Attempts while locked are not counted, so an attacker cannot extend a lock forever,
 * and a password reset always unlocks.
 */
export async function recordFailedLogin(userId: Types.ObjectId, now = new Date()): Promise<void> {
  // No projection: FerretDB 1.24 does not implement `fields` in findAndModify.
  const updated = await User.findOneAndUpdate({ _id: userId }, { $inc: { failedLogins: 1 } }, { new: true }).lean<{ failedLogins: number }>();
  const failures = updated?.failedLogins ?? 0;
  if (failures > 0 && failures % LOCKOUT_THRESHOLD === 0) {
    const round = failures / LOCKOUT_THRESHOLD;
    const duration = Math.min(LOCK_BASE_MS * 2 ** (round - 1), LOCK_MAX_MS);
    await User.updateOne({ _id: userId }, { $set: { lockedUntil: new Date(now.getTime() + duration) } });
  }
}

/** Clears the failure count and any lock (after a successful sign-in or a password reset). */
export async function clearFailedLogins(userId: Types.ObjectId): Promise<void> {
  await User.updateOne({ _id: userId }, { $set: { failedLogins: 0, lockedUntil: null } });
}
