import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCoursesRoot } from './course-files';
import { publishCourseVersion } from './course-publisher';
import type { Problem } from './course-types';
import { ImportReport } from './import-report.model';
import { isDuplicateKey } from '../db/duplicate-key';

export type ImportOutcome = {
  slug: string;
  status: 'created' | 'updated' | 'unchanged' | 'invalid';
  version?: number;
  problems: Problem[];
};

function slugOfProblem(root: string, problem: Problem): string | undefined {
  const relative = path.relative(root, path.resolve(problem.file)).split(path.sep);
  return relative.length > 1 && relative[0] !== '..' ? relative[0] : undefined;
}

/**
 * Imports every course folder under `root`: unchanged content is a no-op, changed content becomes a new version, and
 * a course with any problem is not imported at all (its previous version stays live; the problems are kept for
 * admins and returned).
 */
export async function importCourses(root: string, options: { onCourseDone?: (outcome: ImportOutcome) => Promise<void> | void } = {}): Promise<ImportOutcome[]> {
  if (!existsSync(root)) return [];
  const { courses, problems } = await loadCoursesRoot(root);
  const outcomes: ImportOutcome[] = [];

  const problemsBySlug = new Map<string, Problem[]>();
  for (const problem of problems) {
    const slug = slugOfProblem(root, problem) ?? '(courses)';
    problemsBySlug.set(slug, [...(problemsBySlug.get(slug) ?? []), problem]);
  }
  for (const [slug, courseProblems] of problemsBySlug) {
    outcomes.push({ slug, status: 'invalid', problems: courseProblems });
  }

  for (const course of courses) {
    if (problemsBySlug.has(course.slug)) continue;
    const result = await publishCourseVersion(course, 'import', (name) => readFile(path.join(course.dir, 'assets', ...name.split('/'))));
    const outcome: ImportOutcome = { slug: course.slug, status: result.status, version: result.version, problems: [] };
    outcomes.push(outcome);
    await options.onCourseDone?.(outcome);
  }

  const checkedAt = new Date();
  for (const outcome of outcomes) {
    const report = () => ImportReport.updateOne({ courseSlug: outcome.slug }, { $set: { problems: outcome.problems, checkedAt } }, { upsert: true });
    // Two importers upserting the same new report: one inserts, the other's insert collides; updating is then right.
    await report().catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
      return report();
    });
  }
  return outcomes.sort((a, b) => a.slug.localeCompare(b.slug));
}
