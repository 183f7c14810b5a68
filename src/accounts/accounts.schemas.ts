import { z } from 'zod';
import { enterpriseSizes, FORBIDDEN_TEXT, preferredLanguages } from './user.model';

/**
 * One schema per form. Messages are i18n keys (src/i18n/messages/accounts.ts). Bodies come from
 * `express.urlencoded({ extended: false })`, so every value is a string, or an array when a name repeats; anything
 * that is not a single string fails with `form.invalid` and never reaches a query.
 */
const field = () => z.preprocess((value) => (value === undefined ? '' : value), z.string({ error: 'form.invalid' }));
const codePoints = (value: string) => [...value].length;

export const nameField = field()
  .transform((value) => value.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'accounts.name.required' })
      .refine((value) => codePoints(value) <= 100, { error: 'accounts.name.tooLong', abort: true })
      .refine((value) => !FORBIDDEN_TEXT.test(value), { error: 'accounts.name.invalidCharacters' }),
  );

export const emailField = field()
  .transform((value) => value.trim().toLowerCase())
  .pipe(
    z
      .string()
      .min(1, { error: 'accounts.email.required' })
      .max(254, { error: 'accounts.email.invalid', abort: true })
      .pipe(z.email({ error: 'accounts.email.invalid' })),
  );

/** A new password: length is what matters (NIST SP 800-63B), no composition rules. */
const newPasswordField = field().pipe(
  z
    .string()
    .min(1, { error: 'accounts.password.required' })
    .min(10, { error: 'accounts.password.tooShort' })
    .max(200, { error: 'accounts.password.tooLong' })
    .refine((value) => !value.includes('\0'), { error: 'form.invalid' }),
);

/** A password being checked: any length we accept for new ones, bounded so hashing cannot be abused. */
const currentPasswordField = field().pipe(
  z.string().min(1, { error: 'accounts.password.required' }).max(1000, { error: 'accounts.password.incorrect' }),
);

const optionalText = (max: number) =>
  field()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .refine((value) => codePoints(value) <= max, { error: 'accounts.profile.tooLong', abort: true })
        .refine((value) => !FORBIDDEN_TEXT.test(value), { error: 'accounts.name.invalidCharacters' }),
    )
    .transform((value) => value || undefined);

const optionalChoice = <T extends readonly [string, ...string[]]>(choices: T) =>
  field().pipe(z.union([z.literal('').transform(() => undefined), z.enum(choices, { error: 'form.invalid' })]));

export const registerSchema = z.object({ name: nameField, email: emailField, password: newPasswordField });
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.object({ email: emailField, password: currentPasswordField });
export type LoginInput = z.infer<typeof loginSchema>;

export const forgotPasswordSchema = z.object({ email: emailField });

export const resetPasswordSchema = z.object({ password: newPasswordField });

export const changePasswordSchema = z.object({ currentPassword: currentPasswordField, newPassword: newPasswordField });

export const profileSchema = z.object({
  name: nameField,
  companyName: optionalText(200),
  enterpriseSize: optionalChoice(enterpriseSizes),
  womenOwned: optionalChoice(['yes', 'no'] as const).transform((value) => (value === undefined ? undefined : value === 'yes')),
  region: optionalText(100),
  sector: optionalText(100),
  preferredLanguage: optionalChoice(preferredLanguages),
});
export type ProfileInput = z.infer<typeof profileSchema>;
