import type { Config } from '../config';
import { FixedWindowLimiter } from '../http/rate-limit';
import type { Locale } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { Mailer } from '../mail/mailer';
import type { AppPassport } from './passport';
import type { MailContext } from './registration.service';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/**
 * Limits per client IP and per account (normalised email). The per-account login limit applies to unknown emails
 * exactly as to known ones, so a 429 reveals nothing; the durable defence is the lockout stored with the user.
 */
export function createAccountLimits() {
  return {
    loginIp: new FixedWindowLimiter('login-ip', 30, 15 * MINUTE),
    loginAccount: new FixedWindowLimiter('login-account', 10, 15 * MINUTE),
    registerIp: new FixedWindowLimiter('register-ip', 10, HOUR),
    registerAccount: new FixedWindowLimiter('register-account', 3, HOUR),
    resetIp: new FixedWindowLimiter('reset-ip', 10, HOUR),
    resetAccount: new FixedWindowLimiter('reset-account', 3, HOUR),
    // Opening and using emailed links; tokens are 256-bit, this only stops floods.
    tokenIp: new FixedWindowLimiter('token-ip', 30, 15 * MINUTE),
  };
}
export type AccountLimits = ReturnType<typeof createAccountLimits>;

export type AccountsContext = {
  config: Config;
  logger: Logger;
  passport: AppPassport;
  mailer: Mailer;
  limits: AccountLimits;
  mailContext(locale: Locale): MailContext;
  /** Runs work after the response is sent (so its duration cannot reveal anything); failures are logged. */
  inBackground(label: string, task: () => Promise<void>): void;
};
