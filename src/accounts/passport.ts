import { csrfTokenFor } from '../http/csrf';
import type { Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { authenticateUser, findSessionUser, type SessionUser } from './accounts.service';

export type AppPassport = InstanceType<typeof Passport>;

/**
 * One Passport instance per app (no module-level state shared between apps built in tests). The session carries what
 * pages need of the user (id, name, email, role, language), so a page does not read `users`: one database read per
 * request fewer. That is safe because every change of authority ends the user's sessions in the database (a role
 * change, a password change or reset, "sign out everywhere"): the very next request finds no session. A profile
 * change rewrites the current session's copy. Passport 0.7 regenerates the session on logIn and logOut.
 */
export function createPassport(): AppPassport {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: true }, (email, password, done) => {
      // The route validated and normalised both fields with zod before calling the strategy.
      authenticateUser(email, password).then((user) => done(null, user ?? false), done);
    }),
  );
  passport.serializeUser((user, done) => done(null, sessionUserOf(user)));
  passport.deserializeUser((stored: unknown, done) => {
    if (isSessionUser(stored)) {
      done(null, stored);
      return;
    }
    // A session from an earlier version holds only the id: read the user once.
    if (typeof stored !== 'string') {
      done(null, false);
      return;
    }
    findSessionUser(stored).then((user) => done(null, user ?? false), done);
  });
  return passport;
}

const sessionUserOf = (user: Express.User): SessionUser => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
});

function isSessionUser(value: unknown): value is SessionUser {
  const candidate = value as Partial<SessionUser> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.id === 'string' &&
    typeof candidate.name === 'string' &&
    typeof candidate.email === 'string' &&
    (candidate.role === 'learner' || candidate.role === 'trainer' || candidate.role === 'admin')
  );
}

/** Rewrites the signed-in user's copy in this session (after a profile change); saved with the response. */
export function refreshSessionUser(req: Request, user: SessionUser): void {
  const stored = (req.session as { passport?: { user?: unknown } }).passport;
  if (stored) stored.user = sessionUserOf(user);
  req.user = user;
}

/** Runs the local strategy on an already validated body; resolves to the user or false. */
export function authenticateLocal(passport: AppPassport, req: Request, res: Response): Promise<Express.User | false> {
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate('local', { session: false }, (error: unknown, user: Express.User | false) => {
      if (error) reject(error);
      else resolve(user);
    }) as RequestHandler;
    handler(req, res, reject);
  });
}

/** Starts a signed-in session: a new session id (Passport regenerates), the user id, and the sign-in time. */
export async function signIn(req: Request, user: Express.User): Promise<void> {
  // What a visitor did before signing in that is theirs to keep (an unsaved readiness result): the regenerated
  // session would drop it.
  const readinessPending = req.session.readinessPending;
  await new Promise<void>((resolve, reject) => req.login(user, (error: unknown) => (error ? reject(error) : resolve())));
  req.session.loginAt = Date.now();
  if (readinessPending) req.session.readinessPending = readinessPending;
  // The CSRF token exists before any page is served: otherwise pages loaded at the same time each create one and
  // only the last saved would work (found by the route matrix).
  csrfTokenFor(req);
  // Saved before the caller redirects: express-session's own save at the end of the response may land after the
  // browser has already followed the redirect, which would then read the session without loginAt (and the absolute
  // timeout check would end it). Found by the crash-safety test's 20 concurrent sign-ins.
  await new Promise<void>((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error) : resolve())));
}

/** Ends the session: Passport drops the user id and regenerates the session. */
export async function signOut(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.logout((error: unknown) => (error ? reject(error) : resolve())));
}
