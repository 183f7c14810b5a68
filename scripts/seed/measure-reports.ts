/**
 * `npm run bench:reports -- [--course selling-to-the-un] [--password ...] [--seed 42] [--live]`
 *
 * Times the report snapshot build, each report service call and each report page over HTTP against the configured
 * database (seed it first with `npm run seed`). Prints the first (cold) time and the median of five warm runs.
 * `--live` also times the per-request queries a snapshot avoids (indexed counts and a $group), for comparison.
 */
import { openToolDatabase } from '../with-database';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import request from 'supertest';
import { loadConfig, loadDotEnvFile } from '../../src/config';
import { buildApp } from '../../src/app';
import { Enrolment } from '../../src/learning/enrolment.model';
import { createLogger } from '../../src/logger';
import { refreshReports } from '../../src/reports/report-build';
import { getLearnerDetail, getLearnerPage, openCourseReport, type ReportOptions } from '../../src/reports/reports.service';
import { staffEmails } from './seed';

async function time<T>(label: string, run: () => Promise<T>, repeat = 5): Promise<T> {
  let started = Date.now();
  let result = await run();
  const cold = Date.now() - started;
  const warm: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    started = Date.now();
    result = await run();
    warm.push(Date.now() - started);
  }
  warm.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(58)} cold ${String(cold).padStart(6)} ms   warm median ${String(warm[Math.floor(warm.length / 2)] ?? cold).padStart(5)} ms`,
  );
  return result;
}

/** Each report page over HTTP, signed in as the seeded admin; the first request of a fresh process reads cold. */
async function measurePages(slug: string, id: string, password: string, seed: number): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const app = buildApp({ config, logger: createLogger({ level: 'silent' }) });
  const agent = request.agent(app);
  const login = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrf, email: staffEmails(seed).admin, password })
    .expect(303);
  const get = async (url: string) => {
    const response = await agent.get(url);
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return response;
  };
  const base = `/reports/courses/${slug}`;
  for (const url of [
    base,
    `${base}?from=2025-01-01&to=2025-06-30`,
    `${base}/learners`,
    `${base}/learners?page=2000`,
    `${base}/learners?q=${encodeURIComponent('王')}`,
    `${base}/learners?size=small&women=no&completed=yes`,
    `${base}/learners?region=${encodeURIComponent('西藏')}`,
    `${base}/learners/${id}`,
    `${base}/funnel.csv`,
    `${base}/modules.csv`,
    `${base}/quiz.csv`,
    `${base}/outcomes.csv`,
    `${base}/learners/${id}/attempts.csv`,
  ]) {
    await time(`GET ${decodeURIComponent(url.replace(id, ':id'))}`, () => get(url));
  }
  const csv = await time(`GET ${base}/learners.csv (every learner)`, () => get(`${base}/learners.csv`), 1);
  console.log(`  learners.csv: ${(csv.text.length / 1e6).toFixed(1)} M characters`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      course: { type: 'string' },
      password: { type: 'string' },
      seed: { type: 'string' },
      live: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      'no-service': { type: 'boolean' },
      'no-http': { type: 'boolean' },
    },
  });
  loadDotEnvFile();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const opened = await openToolDatabase(config, () => undefined);
  const slug = values.course ?? 'selling-to-the-un';
  try {
    if (!values['no-build']) {
      const built = await refreshReports({
        progress: (name, documents, ms) => console.log(`  read ${String(documents).padStart(8)} ${name.padEnd(18)} ${ms} ms`),
      });
      console.log(`snapshot build: ${built.courses} courses, ${built.learners} enrolments, ${built.durationMs} ms`);
    }
    if (values.live) {
      // A client of its own without the app's 30 s socket timeout: these queries take longer than that on FerretDB.
      const client = await new mongoose.mongo.MongoClient(opened.database.uri, { socketTimeoutMS: 0 }).connect();
      const db = client.db(mongoose.connection.db!.databaseName);
      await time(
        'live: enrolments.countDocuments({courseSlug})',
        () => db.collection('enrolments').countDocuments({ courseSlug: slug }),
        0,
      );
      await time(
        'live: moduleVisits.countDocuments({courseSlug, moduleSlug})',
        () => db.collection('moduleVisits').countDocuments({ courseSlug: slug, moduleSlug: 'why-sell-to-the-un' }),
        0,
      );
      await time(
        'live: moduleVisits $match + $group by module ($sum)',
        () =>
          db
            .collection('moduleVisits')
            .aggregate([{ $match: { courseSlug: slug } }, { $group: { _id: '$moduleSlug', n: { $sum: 1 } } }])
            .toArray(),
        0,
      );
      await client.close();
    }
    const admin = { id: '000000000000000000000000', role: 'admin' as const };
    const options: ReportOptions = { waitMs: 600_000, onBackgroundError: (error) => console.error(error) };
    const page = (query: Record<string, string | number>) => getLearnerPage(admin, slug, query, options);
    // A learner of the course, found without touching the report (so the pages below start with a cold cache).
    const id = String((await Enrolment.findOne({ courseSlug: slug }, { learnerId: 1 }).lean())?.learnerId);
    if (!values['no-http']) await measurePages(slug, id, values.password ?? 'bench-password-42', Number(values.seed ?? 42));
    if (values['no-service']) return;
    await time('service: course report (summary)', () => openCourseReport(admin, slug, options));
    await time('service: learners page 1', () => page({ page: 1 }));
    await time('service: learners last page', () => page({ page: 100_000 }));
    await time('service: learners search "王" (name prefix)', () => page({ q: '王' }));
    await time('service: learners search "fang." (email prefix)', () => page({ q: 'fang.' }));
    await time('service: learners size=micro women=yes completed=no', () =>
      page({ size: 'micro', women: 'yes', completed: 'no' } as never),
    );
    await time('service: learners region=西藏 (sparse: rows spread over all chunks)', () => page({ region: '西藏' }));
    await time('service: learner detail', () => getLearnerDetail(admin, slug, id, options));
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
