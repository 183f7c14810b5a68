import type { Node } from 'yaml';
import { contentHashOf } from './content-hash';
import { langs, type Lang, type LoadedModule, type Problem, type ValidationContext } from './course-types';
import type { MarkdownFile, ModuleSource } from './course-source';
import { moduleSections } from './markdown';
import { checkModuleMarkdown } from './markdown-validator';
import { readQuiz } from './quiz-validator';
import { YamlReader } from './yaml-reader';

type PageMeta = {
  order: number;
  title: string;
  minutes: number;
  objectives: string[];
  references: string[];
  /** Lines of the fields that must agree between languages. */
  lines: { order: number; minutes: number; references: number };
};

const frontMatterKeys = ['order', 'title', 'minutes', 'objectives', 'references'];
const sharedKeys = ['order', 'minutes', 'references'] as const;

/** What the course-level checks need from a module, whether or not it is valid. */
export type ModuleReadResult = { module?: LoadedModule; order?: { value: number; at: { file: string; line: number } } };

/** Reads and checks one module (both language files and its quiz); `module` is set only when it has no problem. */
export function readModule(source: ModuleSource, context: ValidationContext, problems: Problem[]): ModuleReadResult {
  const before = problems.length;
  const metas: Partial<Record<Lang, PageMeta>> = {};
  for (const lang of langs) {
    const page = source.pages[lang];
    if (!page) {
      reportMissingPage(source, lang, problems);
      continue;
    }
    metas[lang] = readPageMeta(page, source, context, problems);
    checkModuleMarkdown(page, context, problems);
  }
  const { en, zh } = metas;
  if (en && zh && source.pages.zh && source.pages.en) compareLanguages(en, zh, source.pages.en.name, source.pages.zh, problems);
  const sections = checkSections(source, problems);
  const quiz = source.quiz ? readQuiz(source.quiz, context, problems, sections) : undefined;

  const orderPage = en ? source.pages.en : source.pages.zh;
  const orderMeta = en ?? zh;
  const order = orderMeta && orderPage ? { value: orderMeta.order, at: { file: orderPage.file, line: orderMeta.lines.order } } : undefined;
  if (!en || !zh || !source.pages.en || !source.pages.zh || problems.length > before) return { order };

  const content = {
    slug: source.slug,
    order: en.order,
    minutes: en.minutes,
    references: en.references,
    title: { en: en.title, zh: zh.title },
    objectives: { en: en.objectives, zh: zh.objectives },
    markdown: { en: source.pages.en.body, zh: source.pages.zh.body },
    ...(quiz ? { quiz } : {}),
  };
  return { module: { ...content, contentHash: contentHashOf(content) }, order };
}

function reportMissingPage(source: ModuleSource, lang: Lang, problems: Problem[]): void {
  const other = source.pages[lang === 'en' ? 'zh' : 'en'];
  const missing = `${source.base}.${lang}.md`;
  if (other) problems.push({ file: other.file, line: 1, message: `missing translation: ${missing}` });
  else if (lang === 'en' && source.quizFile) {
    problems.push({ file: source.quizFile, line: 1, message: `quiz without module: ${source.base}.en.md and ${source.base}.zh.md are missing` });
  }
}

function readPageMeta(page: MarkdownFile, source: ModuleSource, context: ValidationContext, problems: Problem[]): PageMeta | undefined {
  if (!page.frontMatter) return undefined;
  const r = new YamlReader(page.frontMatter, problems);
  const root = r.root('front matter');
  if (!root) return undefined;
  r.rejectUnknownKeys(root, frontMatterKeys, '');
  const first = r.lineOf(root);
  const lines = { order: first, minutes: first, references: first };
  const remember =
    <T>(key: keyof typeof lines, read: (node: Node, line: number, path: string) => T | undefined) =>
    (node: Node, line: number, path: string): T | undefined => {
      lines[key] = line;
      return read(node, line, path);
    };

  const order = r.at(root, 'order', 'order', remember('order', r.integer(1)));
  if (order !== undefined && order !== source.number) {
    r.report(lines.order, `order ${order} does not match the number in the file name (${source.base})`);
  }
  const title = r.at(root, 'title', 'title', r.text);
  const minutes = r.at(root, 'minutes', 'minutes', remember('minutes', r.integer(1)));
  const objectives = r.at(root, 'objectives', 'objectives', r.listOf(r.text, 1));
  const readReference = (node: Node, line: number, path: string): string | undefined => {
    const id = r.text(node, line, path);
    if (id !== undefined && context.referenceIds && !context.referenceIds.has(id)) r.report(line, `unknown reference id: ${id}`);
    return id;
  };
  const references = r.at(root, 'references', 'references', remember('references', r.listOf(readReference)), false) ?? [];
  if (order === undefined || title === undefined || minutes === undefined || objectives === undefined) return undefined;
  return { order, title, minutes, objectives, references, lines };
}

/** The two language files of a module must agree on everything that is not text. */
function compareLanguages(en: PageMeta, zh: PageMeta, enName: string, zhPage: MarkdownFile, problems: Problem[]): void {
  for (const key of sharedKeys) {
    const [enValue, zhValue] = [JSON.stringify(en[key]), JSON.stringify(zh[key])];
    if (enValue === zhValue) continue;
    const show = (value: string): string => value.replace(/"/g, '');
    problems.push({ file: zhPage.file, line: zh.lines[key], message: `${key} differs from ${enName} (en: ${show(enValue)}, zh: ${show(zhValue)})` });
  }
}

/**
 * The English `##` headings' slugs (quiz `section` values). The Chinese page reuses them by position as its anchors,
 * so both languages must have as many `##` headings.
 */
function checkSections(source: ModuleSource, problems: Problem[]): Set<string> | undefined {
  const { en, zh } = source.pages;
  if (!en) return undefined;
  const enSections = moduleSections(en.body, en.bodyLine);
  if (zh) {
    const zhSections = moduleSections(zh.body, zh.bodyLine);
    if (zhSections.length !== enSections.length) {
      const line = zhSections[Math.min(enSections.length, zhSections.length)]?.line ?? zh.bodyLine;
      problems.push({ file: zh.file, line, message: `${zhSections.length} ## headings, but ${en.name} has ${enSections.length} (section anchors are matched by position)` });
    }
  }
  return new Set(enSections.map((section) => section.slug));
}
