import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isScalar, type Node } from 'yaml';
import { displayPath, normaliseText } from '../courses/course-source';
import type { Bilingual, Problem } from '../courses/course-types';
import { sortProblems } from '../courses/course-validator';
import { parseYamlText, YamlReader } from '../courses/yaml-reader';
import type { ModuleLink, ReadinessCheck, ReadinessLevel, ReadinessOption, ReadinessQuestion, ReadinessReference } from './readiness-types';

/** The readiness check lives beside the shared glossary, in the courses folder it links into. */
export const readinessFileName = 'readiness.yaml';
export const QUESTION_COUNT = { min: 20, max: 30 } as const;
const MAX_POINTS = 10;

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const referenceIdPattern = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const linkPattern = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/([a-z0-9]+(?:-[a-z0-9]+)*))?$/;
const modulePage = /^\d+-(.*)\.(?:en|zh)\.md$/;

/** Course slug → its module slugs, read from file names only (cheap enough for start-up). */
export type CourseModuleIndex = Map<string, Set<string>>;

export type ReadinessFileResult = { check?: ReadinessCheck; problems: Problem[] };

/** The course and module slugs of a courses folder, for checking deep links. */
export async function indexCourseModules(root: string): Promise<CourseModuleIndex> {
  const index: CourseModuleIndex = new Map();
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(root, entry.name);
    const isCourse = await stat(path.join(dir, 'course.yaml')).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!isCourse) continue;
    const modules = (await readdir(dir)).flatMap((name) => modulePage.exec(name)?.[1] ?? []);
    index.set(entry.name, new Set(modules));
  }
  return index;
}

/** Reads `<root>/readiness.yaml`; `required` makes a missing file a problem (the app needs one, a fixture root not). */
export async function readReadinessFile(root: string, required = false): Promise<ReadinessFileResult> {
  const full = path.join(root, readinessFileName);
  let text: string;
  try {
    text = normaliseText(await readFile(full, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return {
      problems: required
        ? [{ file: displayPath(full), line: 1, message: 'missing readiness.yaml: the readiness check has no questions' }]
        : [],
    };
  }
  return parseReadinessFile(displayPath(full), text, await indexCourseModules(root));
}

/** Parses and validates the text of a readiness file; `courses` lists what its module links may point at. */
export function parseReadinessFile(file: string, text: string, courses: CourseModuleIndex): ReadinessFileResult {
  const parsed = parseYamlText(file, text, 0, 'YAML');
  const problems = [...parsed.problems];
  if (!parsed.yaml) return { problems };
  const r = new YamlReader(parsed.yaml, problems);
  const root = r.root(readinessFileName);
  if (!root) return { problems };
  r.rejectUnknownKeys(root, ['areas', 'levels', 'references', 'questions'], '');
  // Areas, references and questions are read entry by entry: one broken entry must not hide the problems of the
  // rest (an area missing its Chinese title would otherwise make every question's area "unknown").
  const areas = r.at(root, 'areas', 'areas', (node, line, at) => entriesOf(r, node, line, at, idPattern, 'area', readArea)) ?? {};
  const levels =
    r.at(
      root,
      'levels',
      'levels',
      r.listOf((node, line, at) => readLevel(r, node, line, at), 1),
    ) ?? [];
  const references =
    r.at(root, 'references', 'references', (node, line, at) =>
      entriesOf(r, node, line, at, referenceIdPattern, 'reference', readReference),
    ) ?? {};
  const questionsKey = root.items.find((item) => isScalar(item.key) && item.key.value === 'questions')?.key;
  const questionsLine = r.lineOf(questionsKey ?? root);
  const questionList = r.at(root, 'questions', 'questions', r.list);
  const items = questionList ? r.items(questionList) : [];
  const questions = items.flatMap(({ value, line }, index) => {
    if (!value) return [];
    return readQuestion(r, value, line, `questions[${index}]`, { areas, references, courses }) ?? [];
  });
  checkLevels(r, levels);
  if (questionList && (items.length < QUESTION_COUNT.min || items.length > QUESTION_COUNT.max)) {
    r.report(questionsLine, `questions must list from ${QUESTION_COUNT.min} to ${QUESTION_COUNT.max} questions (found ${items.length})`);
  }
  const seen = new Map<string, number>();
  for (const question of questions) {
    const first = seen.get(question.id);
    if (first !== undefined) r.report(question.line, `duplicate question id: ${question.id} (first at line ${first})`);
    else seen.set(question.id, question.line);
  }
  for (const id of Object.keys(areas)) {
    if (items.length > 0 && !questions.some((question) => question.area === id)) r.report(questionsLine, `area ${id} has no question`);
  }
  if (problems.length > 0) return { problems: sortProblems(problems) };
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const areaList = Object.entries(areas).map(([id, title]) => ({ id, title }));
  return { check: { file, hash, areas: areaList, levels, references, questions }, problems };
}

/** A map of ids to entries, keeping every entry that reads cleanly (each bad one is reported). */
function entriesOf<T>(
  r: YamlReader,
  node: Node,
  line: number,
  at: string,
  pattern: RegExp,
  kind: string,
  read: (r: YamlReader, value: Node, line: number, at: string) => T | undefined,
): Record<string, T> | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  const result: Record<string, T> = {};
  for (const entry of r.entries(map)) {
    if (!pattern.test(entry.key)) {
      r.report(entry.line, `invalid ${kind} id: ${entry.key} (use letters, digits and -)`);
      continue;
    }
    if (!entry.value) {
      r.report(entry.line, `missing required field: ${at}.${entry.key}`);
      continue;
    }
    const value = read(r, entry.value, entry.line, `${at}.${entry.key}`);
    if (value !== undefined) result[entry.key] = value;
  }
  return result;
}

function readArea(r: YamlReader, node: Node, line: number, at: string): Bilingual | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['title'], at);
  return r.at(map, 'title', `${at}.title`, r.bilingual);
}

function readLevel(r: YamlReader, node: Node, line: number, at: string): ReadinessLevel | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['id', 'label', 'summary', 'rule'], at);
  const id = r.at(map, 'id', `${at}.id`, readId(r, 'level'));
  const label = r.at(map, 'label', `${at}.label`, r.bilingual);
  const summary = r.at(map, 'summary', `${at}.summary`, r.bilingual);
  const rule = r.at(map, 'rule', `${at}.rule`, (value, valueLine, valuePath) => {
    const ruleMap = r.map(value, valueLine, valuePath);
    if (!ruleMap) return undefined;
    r.rejectUnknownKeys(ruleMap, ['overallAtLeast', 'everyAreaAtLeast'], valuePath);
    const overall = r.at(ruleMap, 'overallAtLeast', `${valuePath}.overallAtLeast`, r.integer(0, 100));
    const everyArea = r.at(ruleMap, 'everyAreaAtLeast', `${valuePath}.everyAreaAtLeast`, r.integer(0, 100));
    return overall !== undefined && everyArea !== undefined ? { overall, everyArea } : undefined;
  });
  if (!id || !label || !summary || !rule) return undefined;
  return { id, label, summary, overallAtLeast: rule.overall, everyAreaAtLeast: rule.everyArea, line };
}

/** Level ids unique, and the last level takes every result, so a score always has a level. */
function checkLevels(r: YamlReader, levels: ReadinessLevel[]): void {
  const ids = new Set<string>();
  for (const level of levels) {
    if (ids.has(level.id)) r.report(level.line, `duplicate level id: ${level.id}`);
    ids.add(level.id);
  }
  const last = levels[levels.length - 1];
  if (last && (last.overallAtLeast !== 0 || last.everyAreaAtLeast !== 0)) {
    r.report(last.line, `the last level (${last.id}) must accept every result: overallAtLeast: 0, everyAreaAtLeast: 0`);
  }
}

function readReference(r: YamlReader, node: Node, line: number, at: string): ReadinessReference | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['title', 'url'], at);
  const title = r.at(map, 'title', `${at}.title`, r.text);
  const url = r.at(
    map,
    'url',
    `${at}.url`,
    (value, valueLine, valuePath) => {
      const text = r.text(value, valueLine, valuePath);
      if (text === undefined) return undefined;
      if (/^https?:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(text)) return text;
      r.report(valueLine, `${valuePath} must be an http:// or https:// address`);
      return undefined;
    },
    false,
  );
  return title ? { title, ...(url ? { url } : {}) } : undefined;
}

function readId(r: YamlReader, kind: string) {
  return (node: Node, line: number, at: string): string | undefined => {
    const text = r.text(node, line, at);
    if (text === undefined) return undefined;
    if (idPattern.test(text)) return text;
    r.report(line, `invalid ${kind} id: ${text} (use a-z, 0-9 and -)`);
    return undefined;
  };
}

type QuestionContext = { areas: Record<string, Bilingual>; references: Record<string, ReadinessReference>; courses: CourseModuleIndex };

function readQuestion(r: YamlReader, node: Node, line: number, at: string, context: QuestionContext): ReadinessQuestion | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['id', 'area', 'prompt', 'options', 'advice', 'modules', 'references'], at);
  const id = r.at(map, 'id', `${at}.id`, readId(r, 'question'));
  const where = id ? `question ${id}` : at;
  const area = r.at(map, 'area', `${where}.area`, (value, valueLine, valuePath) => {
    const text = r.text(value, valueLine, valuePath);
    if (text !== undefined && !context.areas[text]) {
      r.report(valueLine, `${valuePath}: unknown area ${text} (areas: ${Object.keys(context.areas).join(', ')})`);
      return undefined;
    }
    return text;
  });
  const prompt = r.at(map, 'prompt', `${where}.prompt`, r.bilingual);
  const options = r.at(
    map,
    'options',
    `${where}.options`,
    r.listOf((value, valueLine, valuePath) => readOption(r, value, valueLine, valuePath), 2),
  );
  const advice = r.at(map, 'advice', `${where}.advice`, r.bilingual, false);
  // Links are read one by one: a broken link is reported at its line without hiding the good ones.
  const moduleList = r.at(map, 'modules', `${where}.modules`, r.list, false);
  const linkItems = moduleList ? r.items(moduleList) : [];
  const modules = linkItems.flatMap(({ value, line: itemLine }, index) => {
    const link = value ? readLink(r, value, itemLine, `${where}.modules[${index}]`, context.courses) : undefined;
    return link ? [link] : [];
  });
  const references =
    r.at(
      map,
      'references',
      `${where}.references`,
      r.listOf((value, valueLine, valuePath) => readReferenceId(r, value, valueLine, valuePath, context.references)),
    ) ?? [];
  const optionIds = new Set<string>();
  for (const option of options ?? []) {
    if (optionIds.has(option.id)) r.report(option.line, `${where}: duplicate option id ${option.id}`);
    optionIds.add(option.id);
  }
  const scored = (options ?? []).filter((option) => !option.notApplicable);
  const maxPoints = Math.max(0, ...scored.map((option) => option.points));
  if (options && maxPoints === 0) r.report(line, `${where}: at least one option must give points`);
  const hasGap = scored.some((option) => option.points < maxPoints);
  if (hasGap && !advice) r.report(line, `${where}: missing advice (an answer below ${maxPoints} points is a gap and needs a next step)`);
  if (hasGap && linkItems.length === 0) r.report(line, `${where}: missing modules (a gap must link to the course modules that teach it)`);
  if (!id || !area || !prompt || !options) return undefined;
  return { id, area, prompt, options, ...(advice ? { advice } : {}), modules, references, maxPoints, line };
}

function readOption(r: YamlReader, node: Node, line: number, at: string): ReadinessOption | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['id', 'text', 'points', 'notApplicable'], at);
  const id = r.at(map, 'id', `${at}.id`, readId(r, 'option'));
  const text = r.at(map, 'text', `${at}.text`, r.bilingual);
  const notApplicable = r.at(map, 'notApplicable', `${at}.notApplicable`, r.boolean, false) ?? false;
  const points = r.at(map, 'points', `${at}.points`, r.integer(0, MAX_POINTS), !notApplicable);
  if (notApplicable && points !== undefined) r.report(line, `${at}: an option that does not apply gives no points (remove points)`);
  if (!id || !text || (!notApplicable && points === undefined)) return undefined;
  return { id, text, points: points ?? 0, notApplicable, line };
}

function readLink(r: YamlReader, node: Node, line: number, at: string, courses: CourseModuleIndex): ModuleLink | undefined {
  const text = r.text(node, line, at);
  if (text === undefined) return undefined;
  const match = linkPattern.exec(text);
  if (!match) {
    r.report(line, `${at} must be course-slug or course-slug/module-slug: ${text}`);
    return undefined;
  }
  const [, courseSlug = '', moduleSlug] = match;
  const modules = courses.get(courseSlug);
  if (!modules) {
    r.report(line, `${at}: no course ${courseSlug} in the courses folder`);
    return undefined;
  }
  if (moduleSlug && !modules.has(moduleSlug)) {
    r.report(line, `${at}: course ${courseSlug} has no module ${moduleSlug}`);
    return undefined;
  }
  return moduleSlug ? { courseSlug, moduleSlug } : { courseSlug };
}

function readReferenceId(
  r: YamlReader,
  node: Node,
  line: number,
  at: string,
  references: Record<string, ReadinessReference>,
): string | undefined {
  const text = r.text(node, line, at);
  if (text === undefined) return undefined;
  if (references[text]) return text;
  r.report(line, `${at}: unknown reference ${text} (add it to references)`);
  return undefined;
}
