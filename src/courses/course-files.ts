import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from './course-source';
import type { LoadedCourse, LoadResult, Problem } from './course-types';
import { formatProblem, sortProblems, validateCourseFolder } from './course-validator';
import { readSharedGlossary, type SharedGlossaryResult } from './glossary-file';

export type {
  Bilingual,
  CourseAsset,
  GlossaryEntry,
  LoadedCourse,
  LoadedModule,
  LoadResult,
  Problem,
  Quiz,
  QuizOption,
  QuizQuestion,
  Reference,
} from './course-types';

/**
 * Loads and validates one course folder, with the shared glossary of the folder that holds it (if any); `course` is
 * set only when the folder has no problem.
 */
export async function loadCourseFolder(dir: string, shared?: SharedGlossaryResult): Promise<LoadResult> {
  return validateCourseFolder(dir, shared ?? (await readSharedGlossary(path.dirname(path.resolve(dir)))));
}

/**
 * A course that does not exist yet (created or imported through authoring or a zip) is held to its warnings: they
 * become problems, so it is not published until they are fixed. Existing courses keep them as warnings.
 */
export function holdNewCourseToWarnings(result: LoadResult): LoadResult {
  const warnings = result.warnings ?? [];
  if (warnings.length === 0) return result;
  return { slug: result.slug, dir: result.dir, problems: sortProblems([...result.problems, ...warnings]), warnings: [] };
}

/**
 * Loads every subfolder of `root` that holds a course.yaml, in slug order. Only valid courses are returned; the
 * problems of invalid ones are, so the importer can skip them and say why. A subfolder with module files but no
 * course.yaml is reported too, since it would otherwise vanish silently.
 */
export async function loadCoursesRoot(
  root: string,
): Promise<{ courses: LoadedCourse[]; problems: Problem[]; warnings: Problem[]; results: LoadResult[] }> {
  const entries = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const results: LoadResult[] = [];
  const problems: Problem[] = [];
  const shared = await readSharedGlossary(root);
  for (const name of entries) {
    const dir = path.join(root, name);
    if (await hasCourseYaml(dir)) {
      results.push(await loadCourseFolder(dir, shared));
    } else if ((await readdir(dir)).some((file) => /\.(md|ya?ml)$/.test(file))) {
      problems.push({ file: displayPath(path.join(dir, 'course.yaml')), line: 1, message: 'missing course.yaml: this folder is not loaded as a course' });
    }
  }
  // Every course carries the shared glossary's problems (so none is imported with it broken); print them once.
  const seen = new Set<string>();
  for (const problem of [...shared.problems, ...results.flatMap((result) => result.problems)]) {
    const line = formatProblem(problem);
    if (!seen.has(line)) problems.push(problem);
    seen.add(line);
  }
  const courses = results.flatMap((result) => (result.course ? [result.course] : []));
  const warnings = sortProblems(results.flatMap((result) => result.warnings ?? []));
  return { courses, problems: sortProblems(problems), warnings, results };
}

async function hasCourseYaml(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, 'course.yaml'))).isFile();
  } catch {
    return false;
  }
}
