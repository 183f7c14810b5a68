import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema, type Types } from 'mongoose';

export const tokenPurposes = ['register', 'reset'] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

/**
 * One-time tokens sent by email: confirming a registration, resetting a password. Only the token's SHA-256 is
 * stored, so a leaked database cannot be used to take over accounts. A pending registration keeps the chosen name
 * and the password *hash* here until the owner of the address confirms; the user is created only then.
 */
const accountTokenSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    purpose: { type: String, enum: tokenPurposes, required: true },
    email: { type: String, required: true, lowercase: true, trim: true },
    userId: { type: Schema.Types.ObjectId, default: null },
    registration: {
      type: new Schema({ name: String, passwordHash: String, preferredLanguage: String }, { _id: false }),
      default: null,
    },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'account_tokens', timestamps: { createdAt: true, updatedAt: false } },
);

// Opening a link looks the token up by its hash; unique so one hash can only ever mean one token.
accountTokenSchema.index({ tokenHash: 1 }, { unique: true });
// FerretDB has no TTL indexes: expired tokens go with deleteMany({ expiresAt: { $lte: now } }) on each new token.
accountTokenSchema.index({ expiresAt: 1 });
// After a password reset, the user's other outstanding reset tokens are deleted by email and purpose.
accountTokenSchema.index({ email: 1, purpose: 1 });

export type AccountTokenRecord = {
  _id: Types.ObjectId;
  tokenHash: string;
  purpose: TokenPurpose;
  email: string;
  userId: Types.ObjectId | null;
  registration: { name: string; passwordHash: string; preferredLanguage?: string } | null;
  expiresAt: Date;
};

export const AccountToken = mongoose.model<AccountTokenRecord>('AccountToken', accountTokenSchema);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Stores a new token and returns its clear value (to put in the email link), which is not kept anywhere. */
export async function issueAccountToken(
  fields: Omit<AccountTokenRecord, '_id' | 'tokenHash' | 'expiresAt'>,
  lifetimeMs: number,
): Promise<string> {
  const now = new Date();
  await AccountToken.deleteMany({ expiresAt: mongoose.trusted({ $lte: now }) });
  const token = randomBytes(32).toString('base64url');
  await AccountToken.create({ ...fields, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + lifetimeMs) });
  return token;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The unexpired token for a link, without using it up (to decide whether to show the form). */
export async function findAccountToken(token: string, purpose: TokenPurpose): Promise<AccountTokenRecord | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  return AccountToken.findOne({
    tokenHash: hashToken(token),
    purpose,
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  }).lean<AccountTokenRecord>();
}

/** Uses a token up atomically: of two concurrent requests with the same link, exactly one gets the record. */
export async function consumeAccountToken(token: string, purpose: TokenPurpose): Promise<AccountTokenRecord | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  return AccountToken.findOneAndDelete({
    tokenHash: hashToken(token),
    purpose,
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  }).lean<AccountTokenRecord>();
}
