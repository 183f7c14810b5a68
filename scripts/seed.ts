/**
 * `npm run seed -- --learners 100000 --progress 1000000 --attempts 300000 --certificates 20000 --seed 42`
 *
 * Fills the configured database (MONGODB_URI, or the embedded one under DATA_DIR, exactly like the server) with
 * realistic, reproducible data for reports and benchmarks, then builds the report snapshots. Refuses a database
 * that already has users unless --force. Other options: --times N (page views of the main course, default one per
 * module visit), --course slug (main course), --other-share 0.1, --password (of the seeded trainer and admin),
 * --no-reports, --reports-only (only rebuild the report snapshots).
 */
import { openToolDatabase } from './with-database';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { User } from '../src/accounts/user.model';
import { loadConfig, loadDotEnvFile } from '../src/config';
import { refreshReports } from '../src/reports/report-build';
import { SeedRefused, seed } from './seed/seed';

const count = (fallback: number) => z.coerce.number().int().min(0).max(50_000_000).default(fallback);
const argsSchema = z.object({
  learners: count(2000),
  progress: count(20000),
  attempts: count(6000),
  certificates: count(400),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(42),
  times: z.coerce.number().int().min(0).max(50_000_000).optional(),
  course: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/)
    .optional(),
  'other-share': z.coerce.number().min(0).max(1).default(0.1),
  password: z.string().min(10).max(200).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      learners: { type: 'string' },
      progress: { type: 'string' },
      attempts: { type: 'string' },
      certificates: { type: 'string' },
      seed: { type: 'string' },
      times: { type: 'string' },
      course: { type: 'string' },
      'other-share': { type: 'string' },
      password: { type: 'string' },
      force: { type: 'boolean' },
      'no-reports': { type: 'boolean' },
      'reports-only': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'Usage: npm run seed -- [--learners 2000] [--progress 20000] [--attempts 6000] [--certificates 400] [--seed 42] [--times N] [--course slug] [--other-share 0.1] [--password ...] [--force] [--no-reports] [--reports-only]',
    );
    return;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeedRefused(`invalid --${String(issue?.path[0] ?? 'argument')}: ${issue?.message ?? 'invalid'}`);
  }
  const args = parsed.data;
  loadDotEnvFile();
  const config = loadConfig();
  const started = Date.now();
  const opened = await openToolDatabase(config, console.log);
  try {
    if (values['reports-only']) {
      const built = await refreshReports({ progress: (name, documents, ms) => console.log(`read ${documents} ${name} in ${ms} ms`) });
      console.log(`Report snapshots of ${built.courses} courses (${built.learners} enrolments) built in ${built.durationMs} ms`);
      return;
    }
    if (!values.force && (await User.exists({})))
      throw new SeedRefused('this database already has users; pass --force to add seeded data to it anyway');
    const result = await seed({
      learners: args.learners,
      progress: args.progress,
      attempts: args.attempts,
      certificates: args.certificates,
      seed: args.seed,
      times: args.times,
      mainCourse: args.course,
      otherShare: args['other-share'],
      coursesDir: config.coursesDir,
      staffPassword: args.password,
      buildReports: !values['no-reports'],
      log: (line) => console.log(line),
    });
    console.log(
      'Inserted:',
      Object.entries(result.inserted)
        .map(([name, n]) => `${name} ${n}`)
        .join(', '),
    );
    console.log(`Trainer ${result.staff.trainer} and admin ${result.staff.admin}, password: ${result.staff.password}`);
    console.log(
      `Seeded in ${(result.durationMs / 1000).toFixed(1)} s${result.reportsMs ? ` (report snapshots ${(result.reportsMs / 1000).toFixed(1)} s)` : ''}`,
    );
  } finally {
    await opened.close();
    console.log(`Total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof SeedRefused ? `Seed refused: ${error.message}` : `Seed failed: ${(error as Error).stack ?? String(error)}`,
  );
  process.exit(1);
});
