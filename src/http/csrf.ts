import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { Forbidden } from './errors';

/**
 * CSRF protection: a synchronizer token kept in the server-side session.
 *
 * Why this design: sessions are already server-side (database store), so the token needs no signing and cannot be
 * planted by a sibling subdomain the way a double-submit cookie can; rotating the session on sign-in and sign-out
 * rotates the token with it. Visitors who are not signed in get a session only when a page actually prints a
 * token (a form), because `res.locals.csrfToken` is created lazily: it is an object whose string value issues the
 * token on first use. (Express copies res.locals into each render, so a getter would fire on every page.)
 *
 * Mounted app-wide after the session middleware and the body parser and before every router: every POST, PUT,
 * PATCH and DELETE must carry the token in the `_csrf` body field or the `X-CSRF-Token` header. Multipart forms are
 * parsed later by Multer on their own routes, so for them the token may also come as `?_csrf=` in the form action.
 */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's token, created on first use. */
export function csrfTokenFor(req: Request): string {
  if (!req.session) throw new Error('csrf: the session middleware must run before csrfProtection');
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

/** Prints as the token (`<%= csrfToken %>` in a view); only then does the session get one. */
class LazyCsrfToken {
  constructor(private readonly req: Request) {}
  toString(): string {
    return csrfTokenFor(this.req);
  }
  toJSON(): string {
    return this.toString();
  }
}

function sentToken(req: Request): string | undefined {
  const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (typeof fromBody === 'string') return fromBody;
  const fromHeader = req.get(CSRF_HEADER);
  if (fromHeader) return fromHeader;
  const fromQuery = req.query?.[CSRF_FIELD];
  if (req.is('multipart/form-data') && typeof fromQuery === 'string') return fromQuery;
  return undefined;
}

/** Constant-time comparison; hashing first gives equal lengths whatever was sent. */
function tokensMatch(expected: string, sent: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(sent));
}

export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    res.locals.csrfToken = new LazyCsrfToken(req);
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const expected = req.session?.csrfToken;
    const sent = sentToken(req);
    if (!expected || !sent || !tokensMatch(expected, sent)) {
      next(new Forbidden('csrf.invalid'));
      return;
    }
    next();
  };
}
