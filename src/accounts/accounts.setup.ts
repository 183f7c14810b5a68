import { Router, type RequestHandler } from 'express';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { accountRoutes } from './account.routes';
import { createMailSystem } from '../mail/mail.setup';
import type { Mailer } from '../mail/mailer';
import { createPassport } from './passport';
import { passwordRoutes } from './password.routes';
import { createAccountLimits, type AccountsContext } from './accounts.context';
import { loginRoutes } from './login.routes';
import { registrationRoutes } from './registration.routes';
import { absoluteSessionTimeout, sessionMiddleware } from './session.middleware';
import type { MongooseSessionStore } from './session-store';

export type Accounts = {
  /** Session, absolute timeout, Passport and the current user for views; mount before CSRF and every router. */
  middleware: RequestHandler[];
  router: Router;
  store: MongooseSessionStore;
  /** The app's mailer and helpers, for features that send mail (cohorts). */
  context: AccountsContext;
};

/** Wires accounts into an app: sessions, Passport, and the /register, /login, /account, /password routes. */
export function setupAccounts({ config, logger, mailer }: { config: Config; logger: Logger; mailer?: Mailer }): Accounts {
  const passport = createPassport();
  const session = sessionMiddleware(config, logger);
  const context: AccountsContext = {
    config,
    logger,
    passport,
    mailer: mailer ?? createMailSystem(config, logger).mailer,
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
    context,
  };
}
