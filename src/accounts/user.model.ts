import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { forgetFailuresUpTo, lastFailureNumber } from './login-failure.model';

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
      validate: {
        validator: (value: string) => value.length > 0 && !FORBIDDEN_TEXT.test(value) && [...value].length <= 100,
        message: 'invalid name',
      },
    },
    // Always stored trimmed and lower-cased, so the unique index also catches `A@B.org` vs `a@b.org`.
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: roles, default: 'learner', required: true },
    profile: { type: profileSchema, default: () => ({}) },
    /** Sign-in failures numbered up to this one no longer count (see login-failure.model.ts). */
    failureBase: { type: Number, default: 0, min: 0 },
  },
  { timestamps: true, collection: 'users' },
);

// Sign-in, registration and password reset look users up by email; unique so two accounts never share one.
userSchema.index({ email: 1 }, { unique: true });

export type UserRecord = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export const User = mongoose.model('User', userSchema);

/** Failures up to `n` stop counting (a successful sign-in or a reset), and are deleted. */
export async function clearFailedLogins(userId: Types.ObjectId, n?: number): Promise<void> {
  const upTo = n ?? (await lastFailureNumber(userId));
  await User.updateOne({ _id: userId }, { $max: { failureBase: upTo } });
  await forgetFailuresUpTo(userId, upTo);
}
