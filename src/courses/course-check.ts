import { loadCoursesRoot } from './course-files';
import { formatProblem } from './course-validator';
import { readReadinessFile } from '../readiness/readiness-file';

/**
 * What `npm run courses:check` does: one `file:line: message` line per problem, then a summary.
 * Returns the exit code (1 when any problem was found) so tests can run it without a child process.
 */
export async function runCoursesCheck(root: string, print: (line: string) => void): Promise<number> {
  const { courses, problems, warnings, results } = await loadCoursesRoot(root);
  // The readiness check (readiness.yaml beside the glossary) links into these courses: checked with them.
  problems.push(...(await readReadinessFile(root)).problems);
  for (const problem of problems) print(formatProblem(problem));
  // Warnings do not fail the check: they hold only new courses (created or imported through authoring or a zip).
  for (const warning of warnings) print(formatProblem({ ...warning, message: `warning: ${warning.message}` }));
  const moduleCount = courses.reduce((total, course) => total + course.modules.length, 0);
  if (problems.length === 0) {
    const warned = warnings.length ? ` ${warnings.length} warning${warnings.length === 1 ? '' : 's'}.` : '';
    print(`courses:check: ${courses.length} course${courses.length === 1 ? '' : 's'}, ${moduleCount} module${moduleCount === 1 ? '' : 's'}, no problems.${warned}`);
    return 0;
  }
  const invalid = results.filter((result) => !result.course).map((result) => result.slug);
  print(
    `courses:check: ${problems.length} problem${problems.length === 1 ? '' : 's'}; ` +
      `invalid course${invalid.length === 1 ? '' : 's'} (not imported): ${invalid.join(', ') || 'none'}; ${courses.length} valid.`,
  );
  return 1;
}
