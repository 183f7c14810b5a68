import type { Bilingual, Lang } from '../courses/course-types';
import { NotFound } from '../http/errors';
import type { DraftAsset, DraftContent, DraftMeta, DraftModule, DraftQuestion } from './draft-types';

/**
 * Edits of a draft: plain functions on its content, so every caller (forms, import, tests) shares one rule set.
 * They change structure only; whether the result is a valid course is the validator's call.
 */

export type MetaInput = Omit<DraftMeta, 'references' | 'glossary'>;

export function updateMeta(content: DraftContent, input: MetaInput): void {
  content.meta = { ...content.meta, ...input };
}

export function updateCatalogues(content: DraftContent, input: Pick<DraftMeta, 'references' | 'glossary'>): void {
  content.meta.references = input.references;
  content.meta.glossary = input.glossary;
}

export function findModule(content: DraftContent, slug: string): DraftModule {
  const module = content.modules.find((candidate) => candidate.slug === slug);
  if (!module) throw new NotFound();
  return module;
}

/** Orders follow positions after a move or a removal; untouched courses keep the orders they were imported with. */
function renumber(content: DraftContent): void {
  content.modules.forEach((module, index) => {
    module.order = index + 1;
  });
}

export function addModule(content: DraftContent, input: { slug: string; title: Bilingual }): void {
  const order = content.modules.reduce((max, module) => Math.max(max, module.order), 0) + 1;
  content.modules.push({
    slug: input.slug,
    order,
    minutes: 10,
    references: [],
    title: input.title,
    objectives: { en: [], zh: [] },
    markdown: { en: '', zh: '' },
  });
}

export function updateModuleSettings(content: DraftContent, slug: string, input: { minutes: number; references: string[] }): void {
  Object.assign(findModule(content, slug), input);
}

export function updateModuleText(
  content: DraftContent,
  slug: string,
  lang: Lang,
  input: { title: string; objectives: string[]; markdown: string },
): void {
  const module = findModule(content, slug);
  module.title[lang] = input.title;
  module.objectives[lang] = input.objectives;
  module.markdown[lang] = input.markdown;
}

export function moveModule(content: DraftContent, slug: string, direction: 'up' | 'down'): void {
  const index = content.modules.indexOf(findModule(content, slug));
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target < 0 || target >= content.modules.length) return;
  const [module] = content.modules.splice(index, 1);
  if (module) content.modules.splice(target, 0, module);
  renumber(content);
}

export function deleteModule(content: DraftContent, slug: string): void {
  const module = findModule(content, slug);
  content.modules = content.modules.filter((candidate) => candidate !== module);
  renumber(content);
}

export function findQuestion(content: DraftContent, slug: string, index: number): DraftQuestion {
  const question = findModule(content, slug).quiz?.questions[index];
  if (!question) throw new NotFound();
  return question;
}

export function addQuestion(content: DraftContent, slug: string, input: { id: string; type: DraftQuestion['type'] }): number {
  const module = findModule(content, slug);
  const empty = () => ({ en: '', zh: '' });
  const options =
    input.type === 'truefalse'
      ? []
      : [
          { id: 'a', text: empty() },
          { id: 'b', text: empty() },
        ];
  const reference = module.references[0] ?? content.meta.references[0]?.id ?? '';
  module.quiz ??= { questions: [] };
  module.quiz.questions.push({ id: input.id, type: input.type, prompt: empty(), options, explanation: empty(), reference });
  return module.quiz.questions.length - 1;
}

/**
 * Replaces a question with what the form sent. The form has no fields for `section` and `fixed` (written in the
 * quiz file): they are kept from the question as it was, for the options whose id is unchanged.
 */
export function updateQuestion(content: DraftContent, slug: string, index: number, question: DraftQuestion): void {
  const before = findQuestion(content, slug, index);
  const quiz = findModule(content, slug).quiz;
  const fixed = new Set(before.options.filter((option) => option.fixed).map((option) => option.id));
  const options = question.options.map((option) =>
    fixed.has(option.id) && option.fixed === undefined ? { ...option, fixed: true } : option,
  );
  const section = question.section ?? before.section;
  if (quiz) quiz.questions[index] = { ...question, options, ...(section ? { section } : {}) };
}

export function deleteQuestion(content: DraftContent, slug: string, index: number): void {
  findQuestion(content, slug, index);
  const module = findModule(content, slug);
  const questions = module.quiz?.questions.filter((_, position) => position !== index) ?? [];
  // The quiz's `draw` stays; the validator says when the pool becomes smaller than it.
  if (questions.length > 0) module.quiz = { ...module.quiz, questions };
  else delete module.quiz;
}

export function addAssets(content: DraftContent, assets: DraftAsset[]): void {
  const names = new Set(assets.map((asset) => asset.name));
  content.assets = [...content.assets.filter((asset) => !names.has(asset.name)), ...assets].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

export function removeAsset(content: DraftContent, name: string): void {
  if (!content.assets.some((asset) => asset.name === name)) throw new NotFound();
  content.assets = content.assets.filter((asset) => asset.name !== name);
}

/** Every question id of the course but one question's, to refuse duplicates at the edge with a clear message. */
export function questionIdsExcept(content: DraftContent, slug: string, index: number): Set<string> {
  const ids = new Set<string>();
  for (const module of content.modules) {
    module.quiz?.questions.forEach((question, position) => {
      if (module.slug !== slug || position !== index) ids.add(question.id);
    });
  }
  return ids;
}
