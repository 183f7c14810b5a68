import { Router, type RequestHandler } from 'express';
import type { Config } from '../config';
import { FixedWindowLimiter } from '../http/rate-limit';
import type { Locale } from '../i18n/i18n';
import type { Logger } from '../logger';
import { accountRoutes } from './account.routes';
import { createMailer, type Mailer } from './mailer';
import { createPassport, type AppPassport } from './passport';
import { passwordRoutes } from './password.routes';
import type { MailContext } from './registration.service';
import { loginRoutes } from './login.routes';
import { registrationRoutes } from './registration.routes';
import { absoluteSessionTimeout, sessionMiddleware } from './session.middleware';
import type { MongooseSessionStore } from './session-store';

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

export type Accounts = {
  /** Session, absolute timeout, Passport and the current user for views; mount before CSRF and every router. */
  middleware: RequestHandler[];
  router: Router;
  store: MongooseSessionStore;
};

/** Wires accounts into an app: sessions, Passport, and the /register, /login, /account, /password routes. */
export function setupAccounts({ config, logger, mailer }: { config: Config; logger: Logger; mailer?: Mailer }): Accounts {
  const passport = createPassport();
  const session = sessionMiddleware(config, logger);
  const context: AccountsContext = {
    config,
    logger,
    passport,
    mailer: mailer ?? createMailer(config, logger),
    limits: createAccountLimits(),
    mailContext: (locale) => ({ mailer: context.mailer, baseUrl: config.baseUrl, locale }),
    inBackground: (label, task) => {
      setImmediate(() => {
        task().catch((error: unknown) => logger.error({ err: error }, `${label} failed`));
      });
    },
  };
  const currentUserLocals: RequestHandler = (req, res, next) => {
    res.locals.currentUser = req.user ? { name: req.user.name, role: req.user.role } : null;
    next();
  };
  const router = Router();
  router.use(registrationRoutes(context));
  router.use(loginRoutes(context));
  router.use(passwordRoutes(context));
  router.use(accountRoutes(context));
  return {
    middleware: [session.middleware, absoluteSessionTimeout(config), passport.initialize(), passport.session(), currentUserLocals],
    router,
    store: session.store,
  };
}
