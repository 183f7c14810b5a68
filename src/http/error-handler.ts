import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseOutage } from '../db/connection';
import { translator } from '../i18n/i18n';
import { HttpError, NotFound } from './errors';

const renderedStatuses = new Set([400, 403, 404, 413, 415, 429, 500, 503]);

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
  const page = renderedStatuses.has(status) ? status : status >= 500 ? 500 : 400;
  if (!res.locals.t) {
    // The error happened before the locale middleware ran: render in English with an empty switcher.
    Object.assign(res.locals, { t: translator('en'), locale: 'en', htmlLang: 'en', languageLinks: [], currentPath: req.path });
  }
  const t = res.locals.t as (key: string) => string;
  const message = error instanceof HttpError && status < 500 ? t(error.message) : t(`error.${page}.body`);
  if (status === 503) res.set('Retry-After', '10');
  res.status(status);
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: { status, message, requestId: req.id } });
    return;
  }
  res.render(`errors/${page}`, { status, message, requestId: req.id, title: t(`error.${page}.title`) });
};
