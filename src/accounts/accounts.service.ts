import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { ProfileInput } from './accounts.schemas';
import { hashPassword, needsRehash, spendPasswordCheckTime, verifyPassword } from './password-hash';
import { destroyUserSessions } from './session.model';
import { claimSignInAttempt } from './login-failure.model';
import { clearFailedLogins, User, type Role, type UserRecord } from './user.model';

/** What the app knows about the signed-in user on every request (`req.user`). */
export type SessionUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  preferredLanguage?: 'en' | 'zh-CN';
};

function toSessionUser(user: Pick<UserRecord, '_id' | 'name' | 'email' | 'role' | 'profile'>): SessionUser {
  const language = user.profile?.preferredLanguage;
  return {
    id: String(user._id),
    name: user.name,
    email: user.email,
    role: user.role as Role,
    ...(language === 'en' || language === 'zh-CN' ? { preferredLanguage: language } : {}),
  };
}

const SESSION_FIELDS = { name: 1, email: 1, role: 1, profile: 1 };

/** The user behind a session id, or null when the account is gone. */
export async function findSessionUser(id: string): Promise<SessionUser | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await User.findById(id, SESSION_FIELDS).lean<UserRecord>();
  return user ? toSessionUser(user) : null;
}

/**
 * Checks an email and password. Unknown email, wrong password and locked account all answer `null` after the same
 * amount of work, so neither the message nor the timing tells which emails are registered.
 */
export async function authenticateUser(email: string, password: string, now = new Date()): Promise<SessionUser | null> {
  const user = await User.findOne({ email }).lean<UserRecord>();
  if (!user) {
    await spendPasswordCheckTime(password);
    return null;
  }
  // The attempt is counted before the password is checked, so parallel guesses cannot outrun the lock.
  const claim = await claimSignInAttempt(user._id, user.failureBase ?? 0, now);
  if (claim.locked) {
    await spendPasswordCheckTime(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  await clearFailedLogins(user._id, claim.n);
  if (needsRehash(user.passwordHash)) await User.updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(password) } });
  return toSessionUser(user);
}

/** The profile form's current values. */
export async function getAccount(userId: string): Promise<Pick<UserRecord, 'name' | 'email' | 'profile'> | null> {
  return User.findById(userId, { name: 1, email: 1, profile: 1 }).lean<UserRecord>();
}

/** Saves name and profile; fields left empty are removed. */
export async function updateProfile(userId: string, input: ProfileInput): Promise<void> {
  const { name, ...profile } = input;
  const set: Record<string, unknown> = { name };
  const unset: Record<string, ''> = {};
  for (const [key, value] of Object.entries(profile)) {
    if (value === undefined) unset[`profile.${key}`] = '';
    else set[`profile.${key}`] = value;
  }
  await User.updateOne({ _id: userId }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { runValidators: true });
}

/**
 * Changes the password after checking the current one; other sessions of the user are signed out.
 * Returns false when the current password is wrong (which also counts towards the lockout).
 */
export async function changePassword(
  userId: string,
  currentPassword: string,
  newPassword: string,
  keepSessionId: string,
): Promise<boolean> {
  const user = await User.findById(userId, { passwordHash: 1, failureBase: 1 }).lean<UserRecord>();
  if (!user) return false;
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    await claimSignInAttempt(user._id, user.failureBase ?? 0, new Date(), true);
    return false;
  }
  await User.updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(newPassword) } });
  await clearFailedLogins(user._id);
  await destroyUserSessions(user._id, keepSessionId);
  return true;
}

/**
 * Creates an administrator, or promotes an existing account (its password is replaced only when one is given).
 * A new account without a password gets a generated one, returned so the caller can show it once.
 */
export async function createOrPromoteAdmin(input: {
  email: string;
  name: string;
  password?: string;
}): Promise<{ outcome: 'created' | 'promoted'; generatedPassword?: string }> {
  const existing = await User.findOne({ email: input.email }, { _id: 1 }).lean<UserRecord>();
  if (existing) {
    const set: Record<string, unknown> = { role: 'admin' };
    if (input.password) set.passwordHash = await hashPassword(input.password);
    await User.updateOne({ _id: existing._id }, { $set: set });
    if (input.password) await clearFailedLogins(existing._id);
    return { outcome: 'promoted' };
  }
  const generatedPassword = input.password ? undefined : randomBytes(18).toString('base64url');
  const password = input.password ?? (generatedPassword as string);
  await User.create({ name: input.name, email: input.email, passwordHash: await hashPassword(password), role: 'admin' });
  return { outcome: 'created', ...(generatedPassword ? { generatedPassword } : {}) };
}
