import { z } from 'zod';
import { FORBIDDEN_TEXT } from '../accounts/user.model';
import { dayOf, SIZE_KEYS, WOMEN_KEYS } from './report-types';

/** Query values arrive as strings (or arrays when repeated); an empty field means "not given". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

function isRealDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && year <= 2100 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const dateField = (message: string) =>
  optional(
    z
      .string({ error: message })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: message })
      .refine(isRealDate, { error: message }),
  );

/** `?from=&to=`: enrolment dates, inclusive, as YYYY-MM-DD (UTC days). */
export const rangeQuery = z
  .object({
    from: dateField('reports.range.badFrom'),
    to: dateField('reports.range.badTo'),
    // The outcomes of one cohort's members only (a cohort the reader manages).
    cohort: optional(z.string({ error: 'reports.cohort.bad' }).regex(/^[0-9a-f]{24}$/, { error: 'reports.cohort.bad' })),
  })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { error: 'reports.range.order', path: ['to'] });
export type RangeQuery = z.infer<typeof rangeQuery>;

export function toDayRange(range: RangeQuery): { fromDay?: number; toDay?: number } {
  return {
    ...(range.from ? { fromDay: dayOf(Date.parse(`${range.from}T00:00:00Z`)) } : {}),
    ...(range.to ? { toDay: dayOf(Date.parse(`${range.to}T00:00:00Z`)) } : {}),
  };
}

/** Region filter value for learners whose profile has no region. */
export const NO_REGION = '__none__';

export const learnerQuery = z.object({
  q: optional(
    z
      .string({ error: 'reports.learners.badSearch' })
      .max(100, { error: 'reports.learners.badSearch' })
      .refine((value) => !FORBIDDEN_TEXT.test(value), { error: 'reports.learners.badSearch' }),
  ),
  size: optional(z.enum(SIZE_KEYS, { error: 'reports.learners.badFilter' })),
  women: optional(z.enum(WOMEN_KEYS, { error: 'reports.learners.badFilter' })),
  region: optional(z.string({ error: 'reports.learners.badFilter' }).max(100, { error: 'reports.learners.badFilter' })),
  completed: optional(z.enum(['yes', 'no'], { error: 'reports.learners.badFilter' })),
  page: optional(
    z.coerce
      .number({ error: 'reports.learners.badPage' })
      .int({ error: 'reports.learners.badPage' })
      .min(1, { error: 'reports.learners.badPage' })
      .max(1_000_000, { error: 'reports.learners.badPage' }),
  ),
});
export type LearnerQuery = z.infer<typeof learnerQuery>;

export const courseParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,100}$/) });
export const learnerParams = courseParams.extend({ id: z.string().regex(/^[0-9a-f]{24}$/) });
