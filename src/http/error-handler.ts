import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseOutage } from '../db/connection';
import { translator } from '../i18n/i18n';
import { HttpError, NotFound } from './errors';
import { wantsJson } from './request';

/** Statuses with their own title and message; any other 4xx reads as 400, any other 5xx as 500. */
const knownStatuses = new Set([400, 401, 403, 404, 409, 410, 413, 414, 415, 422, 429, 500, 503]);

/** Final 404 for anything no route answered. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (isDatabaseOutage(error)) return 503;
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  // Errors raised by body parsers and other middleware carry a client status (400, 413, 415…).
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  return 500;
}

/**
 * The one place where errors become responses: an HTML page in the layout, or JSON for API callers.
 * Unknown errors become a generic 500 whose details go to the log only, never to the user.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const status = statusOf(error);
  if (status >= 500) {
    req.log?.error({ err: error }, status === 503 ? 'database unavailable' : 'unhandled error');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known = knownStatuses.has(status) ? status : status >= 500 ? 500 : 400;
  if (!res.locals.t) {
    // The error happened before the locale middleware ran: render in English with an empty switcher.
    Object.assign(res.locals, { t: translator('en'), locale: 'en', htmlLang: 'en', languageLinks: [], currentPath: req.path });
  }
  const t = res.locals.t;
  const ownMessage = error instanceof HttpError && status < 500;
  const message = ownMessage ? t(error.message, error.params) : t(`error.${known}.body`);
  const title = t(ownMessage && error.titleKey ? error.titleKey : `error.${known}.title`);
  if (status === 503) res.set('Retry-After', '10');
  res.status(status);
  if (wantsJson(req)) {
    res.json({ error: { status, message, requestId: req.id } });
    return;
  }
  res.render('errors/error', { status, message, requestId: req.id, title, backHref: res.locals.backHref });
};
