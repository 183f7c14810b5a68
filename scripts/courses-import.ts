/**
 * `npm run courses:import`: imports courses/ (or COURSES_DIR) into the configured database, the same way the app
 * does at start-up, and prints what happened to each course. Exits 1 when a course was rejected.
 */
import { loadConfig, loadDotEnvFile } from '../src/config';
import { connectDatabase } from '../src/db/connection';
import { resolveDatabase } from '../src/db/resolve-database';
import { importCourses } from '../src/courses/course-importer';

async function main(): Promise<void> {
  loadDotEnvFile();
  const config = loadConfig();
  const database = await resolveDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log: console.log });
  const connection = await connectDatabase(database.uri);
  let failed = false;
  try {
    for (const outcome of await importCourses(config.coursesDir)) {
      console.log(`${outcome.slug}: ${outcome.status}${outcome.version ? ` (version ${outcome.version})` : ''}`);
      for (const problem of outcome.problems) console.log(`  ${problem.file}:${problem.line}: ${problem.message}`);
      failed ||= outcome.status === 'invalid';
    }
  } finally {
    await connection.close();
    await database.stop();
  }
  if (failed) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(`Course import failed: ${(error as Error).message}`);
  process.exit(1);
});
