import type { RequestHandler } from 'express';
import { UriTooLong } from './errors';

/** Longest URL (path and query string) the app accepts; no page of ours needs more. */
export const MAX_URL_LENGTH = 2048;

/** Answers 414 to over-long URLs before any routing or parsing work is done on them. */
export const limitUrlLength: RequestHandler = (req, _res, next) => {
  next(req.originalUrl.length > MAX_URL_LENGTH ? new UriTooLong('error.414.body') : undefined);
};
