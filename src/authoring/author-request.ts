import type { Request } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/errors';

const slugParam = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(100);

/** A slug route parameter; anything else is a 404, never a query. */
export function slugOf(req: Request, name = 'slug'): string {
  const parsed = slugParam.safeParse((req.params as Record<string, unknown>)[name]);
  if (!parsed.success) throw new NotFound();
  return parsed.data;
}
