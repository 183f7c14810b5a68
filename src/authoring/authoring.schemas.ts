import { z } from 'zod';
import { completionRules, levels, questionTypes, type Level, type CompletionRule, type QuestionType } from '../courses/course-types';
import type { DraftQuestion } from './draft-types';

/**
 * One schema per authoring form. Bodies come from `express.urlencoded({ extended: false })`: every value is a string
 * (or an array when a name repeats). These checks are about form shape; whether the content makes a valid course is
 * the course validator's call, whose problems are shown next to the same fields.
 */
// Control characters (NUL included: FerretDB refuses it) and bidirectional overrides; text fields may keep \n and \t.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const hasControl = (value: string) => CONTROL.test(value.replace(/[\n\t]/g, ''));
const raw = () => z.preprocess((value) => (value === undefined ? '' : value), z.string({ error: 'form.invalid' }));

/** One line of text: trimmed, no control characters. */
export const line = (max: number) =>
  raw()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .max(max, { error: 'authoring.form.tooLong' })
        .refine((value) => !CONTROL.test(value), { error: 'authoring.form.invalidCharacters' }),
    );

/** Multi-line text (Markdown): line endings as LF, tabs kept, other control characters refused. */
export const text = (max: number) =>
  raw()
    .transform((value) => value.replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .max(max, { error: 'authoring.form.tooLong' })
        .refine((value) => !hasControl(value), { error: 'authoring.form.invalidCharacters' }),
    );

/** A textarea with one item per line; blank lines are dropped. */
const lines = (max: number) =>
  text(max).transform((value) =>
    value
      .split('\n')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const integer = (min: number, max: number) =>
  raw()
    .transform((value) => value.trim())
    .pipe(z.string().regex(/^-?\d{1,9}$/, { error: 'authoring.form.wholeNumber' }))
    .transform(Number)
    .pipe(z.number().min(min, { error: 'authoring.form.wholeNumber' }).max(max, { error: 'authoring.form.wholeNumber' }));

export const slugField = raw()
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'authoring.form.slug' })
      .max(80, { error: 'authoring.form.tooLong' }),
  );
const choice = <T extends string>(values: readonly T[]) => raw().pipe(z.enum(values as unknown as [T, ...T[]], { error: 'form.invalid' }));

export const createCourseSchema = z.object({
  slug: slugField,
  title_en: line(200).pipe(z.string().min(1, { error: 'authoring.form.required' })),
  title_zh: line(200).pipe(z.string().min(1, { error: 'authoring.form.required' })),
});

export const metaSchema = z
  .object({
    title_en: line(200),
    title_zh: line(200),
    summary_en: text(2000),
    summary_zh: text(2000),
    audience_en: text(1000),
    audience_zh: text(1000),
    level: choice<Level>(levels),
    minutes: integer(0, 100_000),
    outcomes_en: lines(5000),
    outcomes_zh: lines(5000),
    passMark: integer(0, 1000),
    maxQuizAttempts: integer(0, 1000),
    completion: choice<CompletionRule>(completionRules),
    certificate_en: line(500),
    certificate_zh: line(500),
  })
  .refine((form) => form.outcomes_en.length === form.outcomes_zh.length, { path: ['outcomes_zh'], error: 'authoring.outcomes.mismatch' })
  .transform((form) => ({
    title: { en: form.title_en, zh: form.title_zh },
    summary: { en: form.summary_en, zh: form.summary_zh },
    audience: { en: form.audience_en, zh: form.audience_zh },
    level: form.level,
    minutes: form.minutes,
    outcomes: form.outcomes_en.map((en, i) => ({ en, zh: form.outcomes_zh[i] ?? '' })),
    passMark: form.passMark,
    maxQuizAttempts: form.maxQuizAttempts,
    completion: form.completion,
    certificate: { en: form.certificate_en, zh: form.certificate_zh },
  }));

const split = (item: string) => item.split('|').map((part) => part.trim());

export const cataloguesSchema = z.object({
  references: lines(100_000).transform((items, ctx) =>
    items.map((item) => {
      const parts = split(item);
      const [id = '', ...rest] = parts;
      if (rest.length === 0) ctx.addIssue({ code: 'custom', message: 'authoring.references.format' });
      const hasUrl = rest.length >= 2 && /^https?:\/\//i.test(rest[rest.length - 1] ?? '');
      const url = hasUrl ? rest.pop() : undefined;
      return url ? { id, title: rest.join(' | '), url } : { id, title: rest.join(' | ') };
    }),
  ),
  glossary: lines(100_000).transform((items, ctx) =>
    items.map((item) => {
      const [id = '', termEn = '', termZh = '', definitionEn = '', definitionZh = '', ...extra] = split(item);
      if (extra.length > 0 || split(item).length < 5) ctx.addIssue({ code: 'custom', message: 'authoring.glossary.format' });
      return { id, term: { en: termEn, zh: termZh }, definition: { en: definitionEn, zh: definitionZh } };
    }),
  ),
});

export const addModuleSchema = z.object({ slug: slugField, title_en: line(200), title_zh: line(200) });

export const moduleSettingsSchema = z.object({
  minutes: integer(0, 10_000),
  references: line(2000).transform((value) => value.split(/[\s,，]+/).filter(Boolean)),
});

export const moduleTextSchema = z.object({ title: line(200), objectives: lines(5000), markdown: text(200_000) });

export const moveSchema = z.object({ direction: choice(['up', 'down'] as const) });

export const addQuestionSchema = z.object({ id: slugField, type: choice<QuestionType>(questionTypes) });

export const OPTION_ROWS = 6;
const optionRow = (i: number) => ({
  [`opt${i}_id`]: line(40),
  [`opt${i}_en`]: line(1000),
  [`opt${i}_zh`]: line(1000),
  [`opt${i}_fb_en`]: line(2000),
  [`opt${i}_fb_zh`]: line(2000),
});
const rowIndex = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string().regex(/^[0-5]$/, { error: 'form.invalid' })).max(OPTION_ROWS),
);

export const questionSchema = z
  .object({
    id: line(80),
    type: choice<QuestionType>(questionTypes),
    prompt_en: text(2000),
    prompt_zh: text(2000),
    explanation_en: text(4000),
    explanation_zh: text(4000),
    reference: line(80),
    correct: rowIndex,
    truth: raw().pipe(z.enum(['', 'true', 'false'], { error: 'form.invalid' })),
    ...Object.assign({}, ...Array.from({ length: OPTION_ROWS }, (_, i) => optionRow(i))),
  })
  .transform((parsed): DraftQuestion => {
    // The option rows are spread into the shape above, which erases their keys from the inferred type.
    const form = parsed as unknown as Record<string, unknown> & { type: QuestionType; correct: string[]; truth: string };
    const value = (key: string) => String(form[key] ?? '');
    const options = Array.from({ length: OPTION_ROWS }, (_, i) => i)
      .filter((i) => ['id', 'en', 'zh', 'fb_en', 'fb_zh'].some((part) => value(`opt${i}_${part}`) !== ''))
      .map((i) => {
        const feedback = { en: value(`opt${i}_fb_en`), zh: value(`opt${i}_fb_zh`) };
        return {
          row: i,
          option: {
            id: value(`opt${i}_id`),
            text: { en: value(`opt${i}_en`), zh: value(`opt${i}_zh`) },
            ...(feedback.en || feedback.zh ? { feedback } : {}),
          },
        };
      });
    const correctRows = new Set(form.correct.map(Number));
    const answer =
      form.type === 'truefalse'
        ? form.truth === ''
          ? undefined
          : form.truth === 'true'
        : options.filter(({ row }) => correctRows.has(row)).map(({ option }) => option.id);
    return {
      id: value('id'),
      type: form.type,
      prompt: { en: value('prompt_en'), zh: value('prompt_zh') },
      options: form.type === 'truefalse' ? [] : options.map(({ option }) => option),
      ...(answer === undefined ? {} : { answer }),
      explanation: { en: value('explanation_en'), zh: value('explanation_zh') },
      reference: value('reference'),
    };
  });
