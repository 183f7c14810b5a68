import { courseSettingKeys, type Lang } from '../courses/course-types';
import type { Translate } from '../i18n/i18n';
import type { DraftProblem } from './draft-types';
import type { WorkingCopy } from './draft.service';

export const authorHref = (slug: string, rest = '') => `/author/courses/${encodeURIComponent(slug)}${rest}`;
export const moduleHref = (slug: string, module: string, rest = '') => authorHref(slug, `/modules/${encodeURIComponent(module)}${rest}`);

/** Field errors of a form: name → messages (form checks first, then the course validator's problems). */
export type FieldErrors = Record<string, string[]>;

/** A validator problem as shown next to a field: Markdown problems say which line of the text they are on. */
export function problemText(problem: DraftProblem, t: Translate): string {
  return problem.line !== undefined ? t('authoring.problem.line', { line: problem.line, message: problem.message }) : problem.message;
}

/**
 * Puts the problems of one scope next to the form fields they belong to. `rename` maps a validator field
 * (`title.en`, `markdown.zh`) to the form field name, or undefined when the field is not on this page.
 */
export function fieldErrors(
  problems: DraftProblem[],
  scope: string,
  rename: (field: string) => string | undefined,
  t: Translate,
  formErrors: Record<string, string> = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, key] of Object.entries(formErrors)) errors[name] = [t(key)];
  for (const problem of problems) {
    if (problem.scope !== scope) continue;
    const name = rename(problem.field);
    if (name) (errors[name] ??= []).push(problemText(problem, t));
  }
  return errors;
}

/** Dotted validator fields to form names (`title.en` → `title_en`). */
export const underscore = (field: string) => field.replace('.', '_');

/** Fields of a module page in one language: `title.zh` → `title` on the zh page; other languages are not here. */
export function moduleTextField(lang: Lang) {
  return (field: string) => {
    const [name, fieldLang] = field.split('.');
    return fieldLang === lang && (name === 'title' || name === 'objectives' || name === 'markdown') ? name : undefined;
  };
}

const courseSettingsFields = new Set<string>(courseSettingKeys);

/** Where a problem is fixed: the page (and field anchor) that edits the line it was found on. */
export function problemLink(slug: string, problem: DraftProblem): string {
  const [kind, module = '', index = ''] = problem.scope.split(':');
  const name = problem.field.split('.')[0] ?? '';
  if (kind === 'question') return moduleHref(slug, module, `/quiz/questions/${index}#${underscore(problem.field)}`);
  if (kind === 'module') {
    const lang = problem.field.split('.')[1];
    if (lang === 'en' || lang === 'zh') return moduleHref(slug, module, `/text/${lang}#${name}`);
    if (name === 'quiz') return moduleHref(slug, module, '/quiz');
    return moduleHref(slug, module, `#${name}`);
  }
  if (name === 'references' || name === 'glossary') return authorHref(slug, `/catalogues#${name}`);
  if (courseSettingsFields.has(name))
    return authorHref(slug, `/settings#${name === 'outcomes' ? 'outcomes_en' : underscore(problem.field)}`);
  return authorHref(slug);
}

/** The problems list of the course page, each with where to fix it. */
export function buildProblemList(copy: WorkingCopy, t: Translate, lang: Lang) {
  return copy.problems.map((problem) => {
    const [kind, module = ''] = problem.scope.split(':');
    const title =
      kind === 'course'
        ? copy.content.meta.title[lang]
        : (copy.content.modules.find((candidate) => candidate.slug === module)?.title[lang] ?? module);
    return { where: title || module || copy.slug, message: problemText(problem, t), href: problemLink(copy.slug, problem) };
  });
}

/** Notices shown after a redirect, from a fixed list so that a query string cannot inject text. */
const NOTICES = new Set(['saved', 'created', 'published', 'unchanged', 'uploaded', 'discarded', 'deleted', 'imported']);
export function noticeKey(value: unknown): string | undefined {
  return typeof value === 'string' && NOTICES.has(value) ? `authoring.notice.${value}` : undefined;
}

/** The values a form shows: what the user typed when a form is re-shown, else the stored values. */
export function formValues(stored: Record<string, string>, typed?: Record<string, string | string[]>): Record<string, string> {
  if (!typed) return stored;
  const values: Record<string, string> = { ...stored };
  for (const [key, value] of Object.entries(typed)) values[key] = Array.isArray(value) ? value.join(',') : value;
  return values;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${Math.round((size / 1024 / 1024) * 10) / 10} MB`;
}
