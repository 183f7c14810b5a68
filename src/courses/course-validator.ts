import { isMap, isScalar, type Node } from 'yaml';
import { contentHashOf } from './content-hash';
import { readCourseSource, type CourseSource } from './course-source';
import {
  completionRules,
  courseSettingKeys,
  levels,
  retakeWaitFroms,
  reviewPolicies,
  type GlossaryEntry,
  type LoadedCourse,
  type LoadedModule,
  type LoadResult,
  type Problem,
  type Reference,
  type ValidationContext,
} from './course-types';
import { checkGlossaryWording } from './glossary-check';
import type { SharedGlossaryResult } from './glossary-file';
import { readModule } from './module-validator';
import { YamlReader } from './yaml-reader';

type CourseMeta = Omit<LoadedCourse, 'slug' | 'dir' | 'modules' | 'assets' | 'contentHash'>;

const courseKeys = [...courseSettingKeys, 'references', 'glossary'];
const referenceIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const glossaryIdPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Reads a course folder and runs every check; the course is returned only when there is no problem at all.
 * `shared` is the glossary of the courses folder (glossary.yaml): its terms join the course's own, and its problems
 * make the course invalid, since its modules would otherwise be published without their definitions.
 */
export async function validateCourseFolder(dir: string, shared: SharedGlossaryResult = { problems: [] }): Promise<LoadResult> {
  return validateCourseSource(await readCourseSource(dir), shared);
}

/** Runs every check on an already-read course folder. Problems are sorted by file, then line. */
export function validateCourseSource(source: CourseSource, shared: SharedGlossaryResult = { problems: [] }): LoadResult {
  const problems = [...source.problems, ...shared.problems];
  const meta = readCourseYaml(source, problems);
  if (shared.glossary && meta.glossary) {
    reportSharedGlossaryIds(source, Object.keys(shared.glossary.terms), shared.glossary.file, problems);
    meta.glossary = { ...shared.glossary.terms, ...meta.glossary };
  }
  const isGlossaryKnown = meta.glossary !== undefined && shared.problems.length === 0;
  const context: ValidationContext = {
    referenceIds: meta.references ? new Set(Object.keys(meta.references)) : undefined,
    glossaryIds: isGlossaryKnown ? new Set(Object.keys(meta.glossary ?? {})) : undefined,
    assetNames: new Set(source.assets.map((asset) => asset.name)),
    questionIds: new Map(),
    warnings: [],
  };

  const modules: LoadedModule[] = [];
  const orders = new Map<number, string>();
  const slugs = new Map<string, string>();
  for (const moduleSource of source.modules) {
    const result = readModule(moduleSource, context, problems);
    if (result.module) modules.push(result.module);
    if (result.order) {
      const { value, at } = result.order;
      const seen = orders.get(value);
      if (seen) problems.push({ ...at, message: `duplicate module order: ${value} (also at ${seen})` });
      else orders.set(value, `${at.file}:${at.line}`);
    }
    const firstFile = moduleSource.pages.en?.file ?? moduleSource.pages.zh?.file ?? moduleSource.quizFile ?? source.courseFile;
    const seenSlug = slugs.get(moduleSource.slug);
    if (seenSlug) problems.push({ file: firstFile, line: 1, message: `duplicate module slug: ${moduleSource.slug} (also ${seenSlug})` });
    else slugs.set(moduleSource.slug, moduleSource.base);
  }
  if (shared.glossary) checkGlossaryWording(source, shared.glossary, problems);
  // Only when nothing else is wrong: misnamed module files already explain an empty course.
  if (source.modules.length === 0 && problems.length === 0) problems.push({ file: source.courseFile, line: 1, message: 'course has no modules' });

  const result: LoadResult = { slug: source.slug, dir: source.dir, problems: sortProblems(problems), warnings: sortProblems(context.warnings) };
  if (problems.length > 0) return result;
  modules.sort((a, b) => a.order - b.order);
  const course = meta as CourseMeta;
  const content = {
    slug: source.slug,
    ...course,
    modules: modules.map((module) => ({ slug: module.slug, contentHash: module.contentHash })),
    assets: source.assets.map((asset) => ({ name: asset.name, sha256: asset.sha256 })),
  };
  result.course = { ...course, slug: source.slug, dir: source.dir, modules, assets: source.assets, contentHash: contentHashOf(content) };
  return result;
}

/** Reads course.yaml field by field, so that valid references and glossary still check the modules when other fields fail. */
function readCourseYaml(source: CourseSource, problems: Problem[]): Partial<CourseMeta> {
  if (!source.courseYaml) return {};
  const r = new YamlReader(source.courseYaml, problems);
  const root = r.root('course.yaml');
  if (!root) return {};
  r.rejectUnknownKeys(root, courseKeys, '');
  const optional = <T>(key: string, read: (node: Node, line: number, path: string) => T | undefined) => {
    const value = r.at(root, key, key, read, false);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    ...optional('review', r.oneOf(reviewPolicies)),
    ...optional('retakeAfterMinutes', r.integer(0, 7 * 24 * 60)),
    ...optional('retakeWaitFrom', r.oneOf(retakeWaitFroms)),
    title: r.at(root, 'title', 'title', r.bilingual),
    summary: r.at(root, 'summary', 'summary', r.bilingual),
    audience: r.at(root, 'audience', 'audience', r.bilingual),
    level: r.at(root, 'level', 'level', r.oneOf(levels)),
    minutes: r.at(root, 'minutes', 'minutes', r.integer(1)),
    outcomes: r.at(root, 'outcomes', 'outcomes', r.listOf(r.bilingual, 1)),
    passMark: r.at(root, 'passMark', 'passMark', r.integer(1, 100)),
    maxQuizAttempts: r.at(root, 'maxQuizAttempts', 'maxQuizAttempts', r.integer(0)),
    completion: r.at(root, 'completion', 'completion', r.oneOf(completionRules)),
    certificate: r.at(root, 'certificate', 'certificate', r.bilingual),
    references: r.at(root, 'references', 'references', r.mapOf((node, line, path) => readReference(r, node, line, path), referenceIdPattern, 'reference')),
    glossary: r.at(root, 'glossary', 'glossary', r.mapOf((node, line, path) => readGlossaryEntry(r, node, line, path), glossaryIdPattern, 'glossary'), false) ?? {},
  };
}

/** `{ title, url? }`; a title written as `{ en, zh }` is accepted and read as its English text. */
function readReference(r: YamlReader, node: Node, line: number, path: string): Reference | undefined {
  const map = r.map(node, line, path);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['title', 'url'], path);
  const title = r.at(map, 'title', `${path}.title`, (value, valueLine, valuePath) =>
    isMap(value) ? r.at(value, 'en', `${valuePath}.en`, r.text) : r.text(value, valueLine, valuePath),
  );
  const url = r.at(map, 'url', `${path}.url`, (value, valueLine, valuePath) => {
    const text = r.text(value, valueLine, valuePath);
    if (text === undefined || isHttpUrl(text)) return text;
    r.report(valueLine, `${valuePath} must be an http or https URL`);
    return undefined;
  }, false);
  if (title === undefined) return undefined;
  return url ? { title, url } : { title };
}

function readGlossaryEntry(r: YamlReader, node: Node, line: number, path: string): GlossaryEntry | undefined {
  const map = r.map(node, line, path);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['term', 'definition'], path);
  const term = r.at(map, 'term', `${path}.term`, r.bilingual);
  const definition = r.at(map, 'definition', `${path}.definition`, r.bilingual);
  return term && definition ? { term, definition } : undefined;
}

/** A course may not redefine a shared term: one definition per term is the point of the shared glossary. */
function reportSharedGlossaryIds(source: CourseSource, sharedIds: string[], sharedFile: string, problems: Problem[]): void {
  const glossary = source.courseYaml?.doc.get('glossary', true);
  if (!source.courseYaml || !isMap(glossary)) return;
  const { lineCounter, lineOffset } = source.courseYaml;
  for (const item of glossary.items) {
    const id = isScalar(item.key) ? String(item.key.value) : '';
    if (!sharedIds.includes(id)) continue;
    const line = (item.key as Node).range ? lineCounter.linePos((item.key as Node).range![0]).line + lineOffset : 1;
    problems.push({ file: source.courseFile, line, message: `glossary id ${id} is defined in ${sharedFile}: remove it here` });
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** `file:line: message`, the format editors and CI logs link to. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}
