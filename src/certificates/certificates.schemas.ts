import { z } from 'zod';
import { nameField } from '../accounts/accounts.schemas';
import { FORBIDDEN_TEXT } from '../accounts/user.model';
import { SERIAL_PATTERN } from './certificate-format';
import { revocationReasons } from './certificate.model';

export const serialParam = z.string().regex(SERIAL_PATTERN);
export const serialParams = z.object({ serial: serialParam });

export const revokeSchema = z.object({
  reason: z.enum(revocationReasons, { error: 'admin.certificates.reasonRequired' }),
  note: z
    .string()
    .optional()
    .default('')
    .transform((value) => value.normalize('NFC').trim())
    .refine((value) => [...value].length <= 500, { error: 'admin.certificates.noteTooLong' })
    .refine((value) => !FORBIDDEN_TEXT.test(value), { error: 'accounts.name.invalidCharacters' }),
});
export type RevokeInput = z.infer<typeof revokeSchema>;

export const correctSchema = z.object({ name: nameField });

// A list filter never fails the page: an odd search or page number shows the first page of everything.
export const adminListQuery = z.object({
  q: z.string().max(200).optional().default('').catch(''),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1).catch(1),
});
