import { z } from 'zod';
import { roles } from '../accounts/user.model';

const raw = () => z.preprocess((value) => (value === undefined ? '' : value), z.string({ error: 'form.invalid' }));
const page = raw().transform((value) => (/^\d{1,6}$/.test(value) ? Math.max(1, Number(value)) : 1));

export const usersQuerySchema = z.object({
  q: raw()
    .transform((value) => value.normalize('NFC').trim().slice(0, 100))
    .refine((value) => !/\p{Cc}/u.test(value), { error: 'form.invalid' })
    // A list filter never fails the page: an odd search (repeated, control characters) shows the whole list.
    .catch(''),
  page: page.catch(1),
});

/** Where the users list was (search and page), so a role change returns there; anything else goes to the list. */
const usersListHref = raw().transform((value) => (/^\/admin\/users\?[A-Za-z0-9=&%._+-]*$/.test(value) ? value : '/admin/users?'));

export const roleSchema = z.object({ role: raw().pipe(z.enum(roles, { error: 'form.invalid' })), back: usersListHref });

const objectId = z.string().regex(/^[a-f0-9]{24}$/);
export const userParams = z.object({ id: objectId });
const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(100);
export const courseParams = z.object({ slug });
export const staffParams = z.object({ slug, userId: objectId });

export const auditQuerySchema = z.object({
  page: page.catch(1),
  action: raw()
    .transform((value) => value.trim())
    .pipe(z.string().regex(/^[a-z.]{0,60}$/, { error: 'form.invalid' }))
    .catch(''),
});

export const assignSchema = z.object({
  email: raw()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.email({ error: 'admin.staff.emailInvalid' }).max(254)),
});

export const importSchema = z.object({ mode: raw().pipe(z.enum(['draft', 'publish'], { error: 'form.invalid' })) });
