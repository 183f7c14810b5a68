import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bilingual, Lang } from '../courses/course-types';
import type { DraftAsset, DraftContent, DraftModule, DraftQuestion } from './draft-types';

/** Which form field a line of a generated file comes from; `bodyStart` is the file line where a Markdown body starts. */
export type LineField = { scope: string; field: string; bodyStart?: number };
export type CourseFileText = { name: string; text: string };
/** The text files of a course folder, and for each file the field of each line (index = line - 1). */
export type CourseFolderText = { files: CourseFileText[]; lines: Map<string, LineField[]> };

/**
 * A YAML double-quoted scalar. JSON string syntax is a subset of it; the few characters YAML wants escaped and JSON
 * does not (DEL, C1 controls, BOM, U+2028/9) are escaped too, so any text round-trips exactly.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const flowBilingual = (value: Bilingual) => `{ en: ${yamlString(value.en)}, zh: ${yamlString(value.zh)} }`;
const pad = (order: number) => String(order).padStart(2, '0');

/** The base name of a module's files: `NN-slug`. */
export function moduleBase(module: Pick<DraftModule, 'order' | 'slug'>): string {
  return `${pad(module.order)}-${module.slug}`;
}

class FileBuilder {
  readonly lines: string[] = [];
  readonly fields: LineField[] = [];
  constructor(private readonly scope: string) {}

  add(text: string, field: string, scope = this.scope): this {
    this.lines.push(text);
    this.fields.push({ scope, field });
    return this;
  }

  bilingual(key: string, value: Bilingual, field: string, indent = ''): this {
    this.add(`${indent}${key}:`, 'general');
    this.add(`${indent}  en: ${yamlString(value.en)}`, `${field}.en`);
    return this.add(`${indent}  zh: ${yamlString(value.zh)}`, `${field}.zh`);
  }

  list(key: string, items: string[], field: string, indent = ''): this {
    if (items.length === 0) return this.add(`${indent}${key}: []`, field);
    this.add(`${indent}${key}:`, field);
    for (const item of items) this.add(`${indent}  - ${item}`, field);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function courseYaml(content: DraftContent): FileBuilder {
  const { meta } = content;
  const b = new FileBuilder('course');
  b.bilingual('title', meta.title, 'title').bilingual('summary', meta.summary, 'summary').bilingual('audience', meta.audience, 'audience');
  b.add(`level: ${yamlString(meta.level)}`, 'level').add(`minutes: ${meta.minutes}`, 'minutes');
  b.list('outcomes', meta.outcomes.map(flowBilingual), 'outcomes');
  b.add(`passMark: ${meta.passMark}`, 'passMark').add(`maxQuizAttempts: ${meta.maxQuizAttempts}`, 'maxQuizAttempts');
  if (meta.review) b.add(`review: ${yamlString(meta.review)}`, 'review');
  if (meta.retakeAfterMinutes !== undefined) b.add(`retakeAfterMinutes: ${meta.retakeAfterMinutes}`, 'retakeAfterMinutes');
  if (meta.retakeWaitFrom) b.add(`retakeWaitFrom: ${yamlString(meta.retakeWaitFrom)}`, 'retakeWaitFrom');
  b.add(`completion: ${yamlString(meta.completion)}`, 'completion');
  b.bilingual('certificate', meta.certificate, 'certificate');
  if (meta.references.length === 0) b.add('references: {}', 'references');
  else b.add('references:', 'references');
  for (const ref of meta.references) {
    const url = ref.url ? `, url: ${yamlString(ref.url)}` : '';
    b.add(`  ${yamlString(ref.id)}: { title: ${yamlString(ref.title)}${url} }`, 'references');
  }
  if (meta.glossary.length === 0) b.add('glossary: {}', 'glossary');
  else b.add('glossary:', 'glossary');
  for (const entry of meta.glossary) {
    b.add(`  ${yamlString(entry.id)}: { term: ${flowBilingual(entry.term)}, definition: ${flowBilingual(entry.definition)} }`, 'glossary');
  }
  return b;
}

function modulePage(module: DraftModule, lang: Lang): FileBuilder {
  const b = new FileBuilder(`module:${module.slug}`);
  b.add('---', 'general')
    .add(`order: ${module.order}`, 'order')
    .add(`title: ${yamlString(module.title[lang])}`, `title.${lang}`);
  b.add(`minutes: ${module.minutes}`, 'minutes');
  b.list('objectives', module.objectives[lang].map(yamlString), `objectives.${lang}`);
  b.add(`references: [${module.references.map(yamlString).join(', ')}]`, 'references').add('---', 'general');
  const bodyStart = b.lines.length + 1;
  // splitFrontMatter joins the lines after the closing --- with \n: written this way, the body reads back exactly.
  for (const line of module.markdown[lang].split('\n')) {
    b.lines.push(line);
    b.fields.push({ scope: `module:${module.slug}`, field: `markdown.${lang}`, bodyStart });
  }
  return b;
}

function questionLines(b: FileBuilder, question: DraftQuestion, scope: string): void {
  b.add(`  - id: ${yamlString(question.id)}`, 'id', scope).add(`    type: ${yamlString(question.type)}`, 'type', scope);
  b.add('    prompt:', 'prompt', scope)
    .add(`      en: ${yamlString(question.prompt.en)}`, 'prompt.en', scope)
    .add(`      zh: ${yamlString(question.prompt.zh)}`, 'prompt.zh', scope);
  if (question.type !== 'truefalse') {
    if (question.options.length === 0) b.add('    options: []', 'options', scope);
    else b.add('    options:', 'options', scope);
    for (const option of question.options) {
      b.add(`      - id: ${yamlString(option.id)}`, 'options', scope).add(`        text: ${flowBilingual(option.text)}`, 'options', scope);
      if (option.feedback) b.add(`        feedback: ${flowBilingual(option.feedback)}`, 'options', scope);
      if (option.fixed) b.add('        fixed: true', 'options', scope);
    }
  }
  const { answer } = question;
  const answerText =
    typeof answer === 'boolean'
      ? String(answer)
      : answer === undefined
        ? 'null'
        : answer.length === 1 && question.type === 'single'
          ? yamlString(answer[0] ?? '')
          : `[${answer.map(yamlString).join(', ')}]`;
  b.add(`    answer: ${answerText}`, 'answer', scope);
  b.add('    explanation:', 'explanation', scope)
    .add(`      en: ${yamlString(question.explanation.en)}`, 'explanation.en', scope)
    .add(`      zh: ${yamlString(question.explanation.zh)}`, 'explanation.zh', scope);
  b.add(`    reference: ${yamlString(question.reference)}`, 'reference', scope);
  if (question.section) b.add(`    section: ${yamlString(question.section)}`, 'section', scope);
}

function quizYaml(module: DraftModule): FileBuilder | undefined {
  const questions = module.quiz?.questions ?? [];
  if (questions.length === 0) return undefined;
  const b = new FileBuilder(`module:${module.slug}`);
  if (module.quiz?.draw) b.add(`draw: ${module.quiz.draw}`, 'quiz');
  b.add('questions:', 'quiz');
  questions.forEach((question, index) => questionLines(b, question, `question:${module.slug}:${index}`));
  return b;
}

/** The text files of the course folder a draft stands for, with the field of every line. */
export function renderCourseFolder(content: DraftContent): CourseFolderText {
  const builders: [string, FileBuilder][] = [['course.yaml', courseYaml(content)]];
  for (const module of content.modules) {
    const base = moduleBase(module);
    builders.push([`${base}.en.md`, modulePage(module, 'en')], [`${base}.zh.md`, modulePage(module, 'zh')]);
    const quiz = quizYaml(module);
    if (quiz) builders.push([`${base}.quiz.yaml`, quiz]);
  }
  const files = builders.map(([name, builder]) => ({ name, text: name.endsWith('.md') ? builder.lines.join('\n') : builder.text() }));
  return { files, lines: new Map(builders.map(([name, builder]) => [name, builder.fields])) };
}

/** Writes a draft as a course folder at `dir` (whose name is the course slug), asset bytes from `readAsset`. */
export async function writeCourseFolder(
  dir: string,
  content: DraftContent,
  readAsset: (asset: DraftAsset) => Promise<Buffer>,
): Promise<CourseFolderText> {
  const folder = renderCourseFolder(content);
  await mkdir(dir, { recursive: true });
  for (const file of folder.files) await writeFile(path.join(dir, file.name), file.text);
  for (const asset of content.assets) {
    const target = path.join(dir, 'assets', ...asset.name.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, await readAsset(asset));
  }
  return folder;
}
