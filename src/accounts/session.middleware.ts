import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { MongooseSessionStore } from './session-store';

declare module 'express-session' {
  interface SessionData {
    /** Set by Passport: the signed-in user's id, and nothing else about them. */
    passport?: { user?: string };
    /** Epoch milliseconds of sign-in, for the absolute timeout. */
    loginAt?: number;
    /** The synchronizer token for forms (src/http/csrf.ts). */
    csrfToken?: string;
  }
}

export const SESSION_COOKIE = 'pa.sid';

/**
 * Cookie sessions backed by the database. The cookie is httpOnly and SameSite=Lax, Secure when the site is served
 * over https (behind a proxy, `trust proxy` comes from config). `rolling` renews the idle timeout on every response;
 * `saveUninitialized: false` means visitors get no session (and no cookie) until something is stored in it: a CSRF
 * token for a form they are shown, or their sign-in.
 */
export function sessionMiddleware(config: Config, logger: Logger): { middleware: RequestHandler; store: MongooseSessionStore } {
  const idleMs = config.sessionIdleMinutes * 60 * 1000;
  const store = new MongooseSessionStore({ idleMs, onSweepError: (error) => logger.warn({ err: error }, 'session sweep failed') });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.baseUrl.startsWith('https://'),
      maxAge: idleMs,
      path: '/',
    },
  });
  return { middleware, store };
}

/**
 * Ends a signed-in session a fixed time after sign-in, however active it has been, so a stolen cookie has a bounded
 * life. Must run after the session middleware and before Passport reads the user from the session.
 */
export function absoluteSessionTimeout(config: Config): RequestHandler {
  const limitMs = config.sessionAbsoluteHours * 3600 * 1000;
  return (req, _res, next) => {
    const loginAt = req.session?.loginAt;
    const signedIn = Boolean(req.session?.passport?.user);
    if (!signedIn || (typeof loginAt === 'number' && Date.now() - loginAt <= limitMs)) {
      next();
      return;
    }
    req.session.regenerate((error: unknown) => next(error));
  };
}
