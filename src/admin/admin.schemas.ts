import { z } from 'zod';
import { roles } from '../accounts/user.model';

const raw = () => z.preprocess((value) => (value === undefined ? '' : value), z.string({ error: 'form.invalid' }));
const page = raw().transform((value) => (/^\d{1,6}$/.test(value) ? Math.max(1, Number(value)) : 1));

export const usersQuerySchema = z.object({
  q: raw()
    .transform((value) => value.normalize('NFC').trim().slice(0, 100))
    .refine((value) => !/\p{Cc}/u.test(value), { error: 'form.invalid' }),
  page,
});

export const roleSchema = z.object({ role: raw().pipe(z.enum(roles, { error: 'form.invalid' })) });

export const auditQuerySchema = z.object({
  page,
  action: raw()
    .transform((value) => value.trim())
    .pipe(z.string().regex(/^[a-z.]{0,60}$/, { error: 'form.invalid' })),
});

export const assignSchema = z.object({
  email: raw()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.email({ error: 'admin.staff.emailInvalid' }).max(254)),
});

export const importSchema = z.object({ mode: raw().pipe(z.enum(['draft', 'publish'], { error: 'form.invalid' })) });
