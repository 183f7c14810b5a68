import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../access/course-access';
import { BadRequest, NotFound } from './errors';

/**
 * The one way a handler reads a request: forms, route parameters and query strings go through a zod schema here,
 * so every feature answers bad input the same way (a form re-rendered with its errors, a 404, a 400).
 */

export type FormValues = Record<string, string | string[]>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string>; values: FormValues };

/** Fields never echoed back into a re-rendered form. */
const SECRET_FIELDS = new Set(['password', 'currentPassword', 'newPassword', '_csrf']);
/** A schema message that is an i18n key (`accounts.email.invalid`), as opposed to zod's own English text. */
const MESSAGE_KEY = /^[a-z]+(\.[A-Za-z0-9]+)+$/;
/** What a re-rendered form echoes per field: enough for any real input, bounded for a hostile one. */
const MAX_ECHO = 10_000;

const messageKey = (message: string | undefined, fallback: string) => (message && MESSAGE_KEY.test(message) ? message : fallback);

/** Validates a form body: the data, or the first error (an i18n key) per field plus what the user typed, minus secrets. */
export function parseForm<T>(schema: z.ZodType<T>, body: unknown): FormResult<T> {
  const input = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'form')] ??= messageKey(issue.message, 'form.invalid');
  const values: FormValues = {};
  for (const [key, value] of Object.entries(input)) {
    if (SECRET_FIELDS.has(key)) continue;
    if (typeof value === 'string') values[key] = value.slice(0, MAX_ECHO);
    else if (Array.isArray(value)) values[key] = value.filter((item) => typeof item === 'string').map((item) => item.slice(0, MAX_ECHO));
  }
  return { ok: false, errors, values };
}

/** Route parameters: anything the schema refuses names nothing here, so it is a 404 and never reaches a query. */
export function parseParams<T>(schema: z.ZodType<T>, params: unknown): T {
  const result = schema.safeParse(params);
  if (!result.success) throw new NotFound();
  return result.data;
}

/** A query string: a refused one is a 400 whose message is the schema's first message key. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query);
  if (!result.success) throw new BadRequest(messageKey(result.error.issues[0]?.message, 'error.400.body'));
  return result.data;
}

/** What a view builder needs of the request's language: the content language, the UI locale and its translator. */
export const pageContext = (res: Response) => ({ lang: res.locals.contentLang, locale: res.locals.locale, t: res.locals.t });

/** An API caller (fetch with Accept: application/json) rather than a browser page. */
export const wantsJson = (req: Request): boolean => req.accepts(['html', 'json']) === 'json';

/** The signed-in user as services want them; routes mount requireUser or requireRole first. */
export function actorOf(req: Request): Actor {
  if (!req.user) throw new NotFound();
  return { id: req.user.id, role: req.user.role };
}
