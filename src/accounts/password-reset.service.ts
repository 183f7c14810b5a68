import { recipientLocale, sendTranslatedMail } from '../mail/translated-mail';
import { AccountToken, consumeAccountToken, findAccountToken, issueAccountToken } from './account-token.model';
import { hashPassword } from './password-hash';
import type { MailContext } from './registration.service';
import { destroyUserSessions } from './session.model';
import { clearFailedLogins, User, type UserRecord } from './user.model';

export const RESET_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Mails a one-time reset link (valid one hour) when the email belongs to an account; does nothing otherwise.
 * The route answers "if an account exists, we sent a link" before calling this, so the response is the same either way.
 */
export async function requestPasswordReset(email: string, context: MailContext): Promise<void> {
  const user = await User.findOne({ email }, { name: 1, email: 1, profile: 1 }).lean<UserRecord>();
  if (!user) return;
  const token = await issueAccountToken({ purpose: 'reset', email: user.email, userId: user._id, registration: null }, RESET_LIFETIME_MS);
  await sendTranslatedMail(context.mailer, {
    to: user.email,
    locale: recipientLocale(user.profile?.preferredLanguage, context.locale),
    key: 'mail.reset',
    params: { name: user.name, link: `${context.baseUrl}/password/reset/${token}`, minutes: RESET_LIFETIME_MS / 60000 },
  });
}

/** True when a reset link can still be used (opening it uses nothing up). */
export async function isResetTokenValid(token: string): Promise<boolean> {
  return Boolean(await findAccountToken(token, 'reset'));
}

/**
 * Sets a new password through a reset link. The link is used up atomically, the lockout is cleared (a reset is how
 * a locked-out owner gets back in), every session of the user ends and the user's other reset links are deleted.
 * Returns false when the link is unknown, expired or already used.
 */
export async function resetPassword(token: string, newPassword: string): Promise<boolean> {
  const record = await consumeAccountToken(token, 'reset');
  if (!record?.userId) return false;
  const passwordHash = await hashPassword(newPassword);
  const result = await User.updateOne({ _id: record.userId }, { $set: { passwordHash } });
  if (result.matchedCount === 0) return false;
  await clearFailedLogins(record.userId);
  await destroyUserSessions(record.userId);
  await AccountToken.deleteMany({ email: record.email, purpose: 'reset' });
  return true;
}
