import type { Request } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/errors';
import type { Actor } from '../access/course-access';

/** The signed-in author as services want them; requireRole has run, so there is a user. */
export function actorOf(req: Request): Actor {
  if (!req.user) throw new NotFound();
  return { id: req.user.id, role: req.user.role };
}

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
