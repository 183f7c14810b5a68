import type { Locale } from '../i18n/i18n';
import type { Mailer } from '../mail/mailer';
import { recipientLocale, sendTranslatedMail } from '../mail/translated-mail';
import { emitAccountCreated } from './account-events';
import type { RegisterInput } from './accounts.schemas';
import { consumeAccountToken, findAccountToken, issueAccountToken } from './account-token.model';
import { hashPassword } from './password-hash';
import { User, type UserRecord } from './user.model';
import { isDuplicateKey } from '../db/duplicate-key';

export type MailContext = { mailer: Mailer; baseUrl: string; locale: Locale };

const REGISTRATION_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * Starts a registration without revealing whether the email is taken (the page always says "check your inbox").
 * New address: the chosen name and password hash wait in a one-time token and the address gets a confirmation link.
 * Known address: its owner gets a note saying someone tried to register, with links to sign in or reset the
 * password; nothing changes on the account. Both paths hash the password and send one mail, so they take similar
 * time, and the route runs this after answering anyway.
 */
export async function requestRegistration(input: RegisterInput, context: MailContext): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  const existing = await User.findOne({ email: input.email }, { name: 1, profile: 1 }).lean<Pick<UserRecord, 'name' | 'profile'>>();
  if (existing) {
    await sendTranslatedMail(context.mailer, {
      to: input.email,
      locale: recipientLocale(existing.profile?.preferredLanguage, context.locale),
      key: 'mail.registerExisting',
      params: { name: existing.name, login: `${context.baseUrl}/login`, reset: `${context.baseUrl}/password/forgot` },
    });
    return;
  }
  const token = await issueAccountToken(
    {
      purpose: 'register',
      email: input.email,
      userId: null,
      registration: { name: input.name, passwordHash, preferredLanguage: context.locale },
    },
    REGISTRATION_LIFETIME_MS,
  );
  await sendTranslatedMail(context.mailer, {
    to: input.email,
    locale: context.locale,
    key: 'mail.register',
    params: { name: input.name, link: `${context.baseUrl}/register/confirm/${token}`, hours: 24 },
  });
}

/** True when a confirmation link is still usable (the page then offers a button; opening the link changes nothing). */
export async function isRegistrationTokenValid(token: string): Promise<boolean> {
  return Boolean(await findAccountToken(token, 'register'));
}

export type ConfirmResult = { status: 'created'; userId: string } | { status: 'invalid' } | { status: 'exists' };

/** Uses up a confirmation link and creates the account; `exists` when the address was registered meanwhile. */
export async function confirmRegistration(token: string): Promise<ConfirmResult> {
  const record = await consumeAccountToken(token, 'register');
  if (!record?.registration) return { status: 'invalid' };
  const { name, passwordHash, preferredLanguage } = record.registration;
  try {
    const user = await User.create({
      name,
      email: record.email,
      passwordHash,
      role: 'learner',
      profile: preferredLanguage ? { preferredLanguage } : {},
    });
    await emitAccountCreated({ userId: String(user._id), email: record.email });
    return { status: 'created', userId: String(user._id) };
  } catch (error) {
    if (isDuplicateKey(error)) return { status: 'exists' };
    throw error;
  }
}
