import type { RequestHandler } from 'express';
import { Forbidden, Unauthorized } from '../http/errors';
import type { Role } from './user.model';
import { wantsJson } from '../http/request';

export const DEFAULT_AFTER_LOGIN = '/dashboard';

/**
 * A `?next=` value we are willing to redirect to: a path on this site. It must start with exactly one `/`; `//host`
 * and `/\host` are protocol-relative to browsers, and control characters or spaces are refused because browsers
 * strip tabs and newlines (`/\t/evil.example` would become `//evil.example`).
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return DEFAULT_AFTER_LOGIN;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return DEFAULT_AFTER_LOGIN;
  if (/[\s\\\p{Cc}]/u.test(value)) return DEFAULT_AFTER_LOGIN;
  return value;
}

/** Pages need a signed-in user: HTML visitors go to the sign-in page (and come back), API callers get 401. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) {
    next();
    return;
  }
  if (wantsJson(req) || req.method !== 'GET') {
    next(new Unauthorized('accounts.signInRequired'));
    return;
  }
  res.redirect(303, `/login?next=${encodeURIComponent(safeNextPath(req.originalUrl))}`);
};

/** Like requireUser, and the user must have one of `roles`; otherwise 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      requireUser(req, res, next);
      return;
    }
    next(roles.includes(req.user.role) ? undefined : new Forbidden());
  };
}
