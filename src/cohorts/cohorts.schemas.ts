import { z } from 'zod';
import { FORBIDDEN_TEXT } from '../accounts/user.model';

const text = (max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .max(max, { error: message })
    .refine((value) => !FORBIDDEN_TEXT.test(value), { error: message });

function isRealDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && year <= 2100 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
const dateField = (message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: message })
    .refine(isRealDate, { error: message });
const optionalDate = (message: string) => z.preprocess((value) => (value === '' ? undefined : value), dateField(message).optional());

/** Repeated checkboxes arrive as an array, a single one as a string. */
const slugList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.string({ error: 'cohorts.form.badCourses' }).regex(/^[a-z0-9-]{1,100}$/, { error: 'cohorts.form.badCourses' }), {
      error: 'cohorts.form.badCourses',
    })
    .min(1, { error: 'cohorts.form.noCourses' })
    .max(50, { error: 'cohorts.form.badCourses' }),
);

export const createCohortForm = z
  .object({
    name: text(120, 'cohorts.form.badName'),
    courses: slugList,
    startsOn: dateField('cohorts.form.badStart'),
    endsOn: dateField('cohorts.form.badEnd'),
    linkExpiresOn: optionalDate('cohorts.form.badLinkExpiry'),
  })
  .refine((form) => form.startsOn <= form.endsOn, { error: 'cohorts.form.endBeforeStart', path: ['endsOn'] });
export type CreateCohortForm = z.infer<typeof createCohortForm>;

export const MAX_ADDRESSES = 500;
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

export type ParsedAddresses = { addresses: string[]; invalid: string[] };

/**
 * Addresses from pasted text or a CSV file: every cell that contains an `@` is taken as an address (so a header row
 * or a name column is simply skipped), lower-cased and deduplicated; cells with an `@` that are not addresses are
 * reported rather than silently dropped.
 */
export function parseAddresses(input: string): ParsedAddresses {
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (const raw of input.split(/[\s,;]+/)) {
    const cell = raw.replace(/^["'<]+|["'>]+$/g, '').trim();
    if (!cell.includes('@')) continue;
    const address = cell.toLowerCase();
    if (address.length > 254 || !EMAIL.test(address) || FORBIDDEN_TEXT.test(address)) {
      if (invalid.length < 20) invalid.push(cell.slice(0, 100));
      continue;
    }
    seen.add(address);
  }
  return { addresses: [...seen], invalid };
}

export const inviteForm = z.object({
  emails: z.string({ error: 'cohorts.invite.none' }).max(100_000, { error: 'cohorts.invite.tooMany' }),
});

export const SORT_KEYS = ['name', 'progress', 'activity', 'certificates', 'readiness'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
export const rosterQuery = z.object({
  sort: optional(z.enum(SORT_KEYS, { error: 'cohorts.roster.badSort' })),
  dir: optional(z.enum(['asc', 'desc'], { error: 'cohorts.roster.badSort' })),
});
export type RosterQuery = z.infer<typeof rosterQuery>;

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
export const cohortParams = z.object({ id: objectId });
export const memberParams = z.object({ id: objectId, userId: objectId });
/** 128-bit codes in base64url (22 characters). */
export const joinParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });
/** 256-bit invitation tokens in base64url (43 characters). */
export const invitationParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
