/**
 * `npm run courses:import`: imports courses/ (or COURSES_DIR) into the configured database, the same way the app
 * does at start-up, and prints what happened to each course. Exits 1 when a course was rejected.
 */
import { importCourses } from '../src/courses/course-importer';
import { withDatabase } from './with-database';

withDatabase(async (config) => {
  let failed = false;
  for (const outcome of await importCourses(config.coursesDir)) {
    console.log(`${outcome.slug}: ${outcome.status}${outcome.version ? ` (version ${outcome.version})` : ''}`);
    for (const problem of outcome.problems) console.log(`  ${problem.file}:${problem.line}: ${problem.message}`);
    failed ||= outcome.status === 'invalid';
  }
  if (failed) process.exitCode = 1;
});
