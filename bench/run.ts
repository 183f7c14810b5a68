/**
 * `npm run bench`: seeds programme-scale data (once per seed and size), starts the built app in production mode as a
 * separate process, drives each scenario with autocannon from this process (50 connections, 10 s after a 2 s
 * warm-up, loopback only), measures the framework floor in the same run, and writes bench/results.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { renderCertificatePdf } from '../src/certificates/certificate-pdf';
import { Certificate } from '../src/certificates/certificate.model';
import { connectDatabase } from '../src/db/connection';
import { findFreePort, stopChildProcess } from '../src/db/embedded-server';
import { ModuleCompletion } from '../src/learning/module-completion.model';
import { seed, staffEmails } from '../scripts/seed/seed';
import '../src/app'; // registers every model, whose index declarations the GIN indexes follow
import { applyGinIndexes } from '../src/db/ferretdb-postgres-indexes';
import { openBenchDatabase, settlePostgres, type BenchDatabase } from './bench-database';
import { BENCH_PASSWORD, benchEmail, prepareBenchData, QUIZ_COURSE } from './bench-setup';
import { httpClient } from './http-client';
import { measure, type LoadResult } from './load';

const SIZES = { learners: 100_000, progress: 1_000_000, attempts: 300_000, certificates: 20_000, seed: 42 };
const COURSE = 'selling-to-the-un';
const OTHER_COURSES = ['sustainable-procurement', 'bid-writing'];
const BENCH_LEARNERS = 50;
const STAFF_PASSWORD = 'benchmark staff password 2026';
const quick = process.argv.includes('--quick');
const sizes = quick ? { learners: 2000, progress: 20000, attempts: 6000, certificates: 400, seed: 7 } : SIZES;
/** The growth scenario's small programme: a hundredth of the learners and progress facts. */
const smallSizes = quick
  ? { learners: 200, progress: 2000, attempts: 600, certificates: 40, seed: 7 }
  : { learners: 1000, progress: 10_000, attempts: 3000, certificates: 200, seed: 42 };
const seconds = quick ? 3 : 10;
const log = (line: string) => console.log(`[bench] ${line}`);

async function waitFor200(url: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function startApp(env: Record<string, string>): ChildProcess {
  // BENCH_APP_NODE_OPTIONS: runtime flags for the app only (e.g. V8 heap sizes), to compare their effect.
  const nodeOptions = process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {};
  return spawn(process.execPath, [path.resolve('dist/src/server.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), NODE_ENV: 'production', LOG_LEVEL: 'warn', ...nodeOptions, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

/** Runs `run` `count` times one after another; the durations in milliseconds, shortest first. */
async function timedRuns(count: number, run: () => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t = process.hrtime.bigint();
    await run();
    durations.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return durations.sort((a, b) => a - b);
}

/**
 * Connects to the benchmark database of `dataSizes` on the server, seeding it first unless it already holds exactly
 * those sizes (or --fresh), then makes the GIN indexes and, after a fresh load, lets PostgreSQL settle.
 */
async function openSeeded(database: BenchDatabase, dataSizes: typeof SIZES) {
  const dbName = `bench_${dataSizes.seed}_${dataSizes.learners}`;
  const uri = new URL(database.uri);
  uri.pathname = `/${dbName}`;
  const connection = await connectDatabase(uri.toString());
  cleanups.push(() => connection.close());
  const meta = mongoose.connection.db!.collection('benchMeta');
  const seeded = await meta.findOne({ _id: 'sizes' as never });
  let seedMs = Number(seeded?.seedMs ?? 0);
  const fresh = process.argv.includes('--fresh') || JSON.stringify(seeded?.sizes) !== JSON.stringify(dataSizes);
  if (fresh) {
    log(`seeding ${JSON.stringify(dataSizes)} into ${dbName}…`);
    await mongoose.connection.dropDatabase();
    const result = await seed({
      ...dataSizes,
      coursesDir: path.resolve('courses'),
      mainCourse: COURSE,
      staffPassword: STAFF_PASSWORD,
      log,
    });
    seedMs = result.durationMs;
    await meta.insertOne({ _id: 'sizes' as never, sizes: dataSizes, seedMs });
  } else {
    log(`reusing the seeded database ${dbName} (seeded in ${Math.round(seedMs / 1000)} s)`);
  }
  if (database.postgresUrl) await applyGinIndexes(database.postgresUrl, dbName, log);
  // A freshly seeded PostgreSQL would vacuum and checkpoint the new rows in the background during the scenarios;
  // doing it now measures the app on a settled database, as in production.
  if (database.postgresUrl && fresh) await settlePostgres(database.postgresUrl, log);
  return { uri: uri.toString(), seedMs, connection };
}

/** Module page latency for one signed-in learner, one request at a time (what a learner waits, without queueing). */
function singleLearnerPage(base: string, path: string, cookie: string) {
  return measure({ url: base + path, headers: { accept: 'text/html', cookie }, connections: 1, durationSeconds: seconds });
}

/** Everything started so far, stopped in reverse order even when a step fails (no server left running). */
const cleanups: (() => Promise<unknown> | void)[] = [];

async function main(): Promise<void> {
  const started = Date.now();
  log('building the app (tsc)…');
  if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');

  const benchDir = path.resolve('data', 'bench');
  mkdirSync(benchDir, { recursive: true });
  const database = await openBenchDatabase(benchDir, log);
  cleanups.push(() => database.stop());
  const large = await openSeeded(database, sizes);
  const { uri, seedMs } = large;

  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const appDataDir = path.join(benchDir, 'app');
  const data = await prepareBenchData({
    count: BENCH_LEARNERS,
    courseSlug: COURSE,
    otherCourses: OTHER_COURSES,
    appDataDir,
    baseUrl: base,
  });
  const env = {
    MONGODB_URI: uri,
    SMTP_URL: 'smtp://127.0.0.1:9',
    COUNT_DB_COMMANDS: 'true',
    PORT: String(port),
    DATA_DIR: appDataDir,
    BASE_URL: base,
    TRUST_PROXY: 'true',
    CERT_VERIFY_LIMIT_PER_MINUTE: '1000000',
    REPORT_MAX_AGE_MINUTES: String(7 * 24 * 60),
    COURSES_DIR: path.resolve('courses'),
  };

  // Cold start: process start to the first 200, three times (the median is reported); the third one stays up.
  log('starting the app (production mode)…');
  const coldStarts: number[] = [];
  const startTimed = async () => {
    const appStart = Date.now();
    const child = startApp(env);
    cleanups.push(() => stopChildProcess(child));
    await waitFor200(`${base}/`, 30000);
    coldStarts.push(Date.now() - appStart);
    return child;
  };
  await stopChildProcess(await startTimed());
  await stopChildProcess(await startTimed());
  const app = await startTimed();
  coldStarts.sort((a, b) => a - b);
  const coldStartMs = coldStarts[1]!;

  const signIn = async (email: string, password: string, ip: string, at = base) => {
    const client = httpClient(at, { 'x-forwarded-for': ip });
    const response = await client.postForm('/login', { _csrf: await client.csrf('/login'), email, password });
    if (response.status !== 303) throw new Error(`sign-in of ${email} answered ${response.status}`);
    return client;
  };
  // One after another: each sign-in is a deliberately slow scrypt check.
  const learners: Awaited<ReturnType<typeof signIn>>[] = [];
  for (let i = 0; i < BENCH_LEARNERS; i += 1)
    learners.push(await signIn(benchEmail(i), BENCH_PASSWORD, `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`));
  const trainer = await signIn(staffEmails(sizes.seed).trainer, STAFF_PASSWORD, '10.9.250.1');
  const moduleSlug = data.moduleSlugs[2]!;
  // The bench copy of COURSE (same first quiz, every question asked, unlimited retakes): see prepareQuizCourse.
  const quizModule = data.moduleSlugs[0]!;
  const modulePath = `/courses/${COURSE}/modules/${moduleSlug}`;
  const tokens = await Promise.all(learners.map((client) => client.csrf(modulePath)));
  const pageBytes = Buffer.byteLength(await (await learners[1]!.request(modulePath)).text());

  const get = (url: string, client?: (typeof learners)[number], accept = 'text/html') => ({
    url: base + url,
    headers: { accept, ...(client ? { cookie: client.cookieHeader() } : {}) },
  });
  const scenarios: { name: string; run: () => Promise<LoadResult> }[] = [
    { name: 'catalogue', run: () => measure({ ...get('/'), durationSeconds: seconds }) },
    { name: 'module_page', run: () => measure({ ...get(modulePath, learners[1]), durationSeconds: seconds }) },
    { name: 'dashboard', run: () => measure({ ...get('/dashboard', learners[1]), durationSeconds: seconds }) },
    {
      name: 'quiz_submit',
      run: () => {
        const quiz = `/courses/${QUIZ_COURSE}/modules/${quizModule}/quiz`;
        let n = 0;
        return measure({
          url: base + quiz,
          method: 'POST',
          durationSeconds: seconds,
          setupRequest: (request) => {
            const i = ((n += 1) % (BENCH_LEARNERS - 1)) + 1;
            const body = new URLSearchParams({
              ...data.quizFields,
              _csrf: tokens[i]!,
              submissionKey: `bench${n}x${Date.now().toString(36)}abcdefgh`,
            });
            return {
              ...request,
              body: body.toString(),
              headers: {
                ...request.headers,
                'content-type': 'application/x-www-form-urlencoded',
                accept: 'application/json',
                cookie: learners[i]!.cookieHeader(),
              },
            };
          },
        });
      },
    },
  ];

  // Completions of distinct (learner, course, module) pairs: every bench learner is enrolled in all three courses,
  // so the first 49 × 24 requests each record a new fact; later ones are repeats, which must stay single.
  const acknowledged = new Set<string>();
  scenarios.push({
    name: 'module_complete',
    run: () => {
      let n = 0;
      return measure({
        url: base + modulePath,
        method: 'POST',
        durationSeconds: seconds,
        setupRequest: (request, context) => {
          n += 1;
          const i = (n % (BENCH_LEARNERS - 1)) + 1;
          const target = data.completionTargets[Math.floor(n / (BENCH_LEARNERS - 1)) % data.completionTargets.length]!;
          // One request at a time per connection: its context names the (learner, course, module) in flight.
          context.key = `${data.learnerIds[i]}/${target.courseSlug}/${target.moduleSlug}`;
          return {
            ...request,
            path: `/courses/${target.courseSlug}/modules/${target.moduleSlug}/complete`,
            body: `_csrf=${encodeURIComponent(tokens[i]!)}`,
            headers: {
              ...request.headers,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
              cookie: learners[i]!.cookieHeader(),
            },
          };
        },
        onResponse: (status, _body, context) => {
          if (status === 200 && typeof context.key === 'string') acknowledged.add(context.key);
        },
      });
    },
  });
  scenarios.push(
    {
      name: 'certificate_pdf',
      run: () =>
        measure({ ...get(`/certificates/${data.certificateSerial}.pdf`, learners[0], 'application/pdf'), durationSeconds: seconds }),
    },
    { name: 'verify_page', run: () => measure({ ...get(`/verify/${data.certificateCode}`), durationSeconds: seconds }) },
    {
      name: 'verify_json',
      run: () => measure({ ...get(`/verify/${data.certificateCode}`, undefined, 'application/json'), durationSeconds: seconds }),
    },
    { name: 'course_report', run: () => measure({ ...get(`/reports/courses/${COURSE}`, trainer), durationSeconds: seconds }) },
  );

  const results: Record<string, LoadResult> = {};
  const rssAfter: Record<string, number> = {};
  const dbOps: Record<string, number> = {};
  const commandsSoFar = async () =>
    (await (await fetch(`${base}/internal/db-commands`)).json()) as { requests: number; commands: { total: number } };
  for (const scenario of scenarios) {
    log(`scenario ${scenario.name}…`);
    // Round trips per request: the app's own count of database commands (driver command monitoring) over the
    // requests it served during the scenario, warm-up included.
    const before = await commandsSoFar();
    results[scenario.name] = await scenario.run();
    const after = await commandsSoFar();
    dbOps[scenario.name] = Number(
      ((after.commands.total - before.commands.total) / Math.max(after.requests - before.requests, 1)).toFixed(2),
    );
    rssAfter[scenario.name] = rssMb(app.pid!);
  }

  // The report as one trainer sees it: one request at a time (the target is about a report page, not a queue).
  const reportMs = await timedRuns(20, async () => {
    const response = await trainer.request(`/reports/courses/${COURSE}`);
    await response.text();
    if (response.status !== 200) throw new Error(`course report answered ${response.status}`);
  });
  const appRssMb = rssMb(app.pid!);
  const memoryAfter = ((await (await fetch(`${base}/internal/db-commands`)).json()) as { memoryMb: Record<string, unknown> }).memoryMb;

  // Statelessness: a second process on another port serves the same signed-in learner (session in MongoDB); both
  // are driven at once, 25 connections each, and their throughputs add up.
  const secondPort = await findFreePort();
  const second = startApp({ ...env, PORT: String(secondPort) });
  cleanups.push(() => stopChildProcess(second));
  await waitFor200(`http://127.0.0.1:${secondPort}/`, 30000);
  log('scenario module_page_two_processes…');
  const [onFirst, onSecond] = await Promise.all(
    [port, secondPort].map((p) =>
      measure({
        url: `http://127.0.0.1:${p}${modulePath}`,
        headers: { accept: 'text/html', cookie: learners[1]!.cookieHeader() },
        connections: 25,
        durationSeconds: seconds,
      }),
    ),
  );
  await stopChildProcess(second);
  results.module_page_two_processes = {
    rps: onFirst!.rps + onSecond!.rps,
    p50_ms: Math.max(onFirst!.p50_ms, onSecond!.p50_ms),
    p99_ms: Math.max(onFirst!.p99_ms, onSecond!.p99_ms),
    requests: onFirst!.requests + onSecond!.requests,
    non2xx: onFirst!.non2xx + onSecond!.non2xx,
    errors: onFirst!.errors + onSecond!.errors,
  };

  // Lost or doubled completions: every acknowledged (learner, module) is stored exactly once.
  const stored = (
    await Promise.all(
      data.learnerIds
        .slice(1)
        .map((id) => ModuleCompletion.find({ learnerId: new Types.ObjectId(id) }, { learnerId: 1, courseSlug: 1, moduleSlug: 1 }).lean()),
    )
  ).flat();
  const storedKeys = stored.map((row) => `${String(row.learnerId)}/${row.courseSlug}/${row.moduleSlug}`);
  const lostUpdates = [...acknowledged].filter((key) => !storedKeys.includes(key)).length;
  const doubled = storedKeys.length - new Set(storedKeys).size;

  // PDF generation in this process (the app's own renderer), median of 100 after a warm-up.
  const certificate = await Certificate.findOne({ serial: data.certificateSerial }).lean();
  await renderCertificatePdf(certificate!);
  const times = await timedRuns(100, () => renderCertificatePdf(certificate!));

  // Growth: the module page for one signed-in learner, one request at a time, on this programme and on a programme a
  // hundred times smaller (same server, same code, another database), to show the cost does not grow with the data.
  log('scenario growth…');
  const growthLarge = await singleLearnerPage(base, modulePath, learners[1]!.cookieHeader());
  await large.connection.close();
  const small = await openSeeded(database, smallSizes);
  const smallPort = await findFreePort();
  const smallBase = `http://127.0.0.1:${smallPort}`;
  const smallDataDir = path.join(benchDir, 'app-small');
  await prepareBenchData({ count: 2, courseSlug: COURSE, otherCourses: OTHER_COURSES, appDataDir: smallDataDir, baseUrl: smallBase });
  const smallApp = startApp({ ...env, MONGODB_URI: small.uri, PORT: String(smallPort), DATA_DIR: smallDataDir, BASE_URL: smallBase });
  cleanups.push(() => stopChildProcess(smallApp));
  await waitFor200(`${smallBase}/`, 30000);
  const smallLearner = await signIn(benchEmail(1), BENCH_PASSWORD, '10.9.251.1', smallBase);
  const growthSmall = await singleLearnerPage(smallBase, modulePath, smallLearner.cookieHeader());
  await stopChildProcess(smallApp);
  const growth = {
    name: 'growth',
    learners_small: smallSizes.learners,
    learners_large: sizes.learners,
    progress_small: smallSizes.progress,
    progress_large: sizes.progress,
    p50_small_ms: growthSmall.p50_ms,
    p99_small_ms: growthSmall.p99_ms,
    p50_large_ms: growthLarge.p50_ms,
    p99_large_ms: growthLarge.p99_ms,
    p50_ratio: Number((growthLarge.p50_ms / Math.max(growthSmall.p50_ms, 1)).toFixed(2)),
  };

  // The floor: bare Express 5 + EJS, a page of the module page's size, from memory, same load.
  const floorPort = await findFreePort();
  const floor = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/floor-app.ts'), String(floorPort), String(pageBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => stopChildProcess(floor));
  await new Promise((resolve) => floor.stdout!.once('data', resolve));
  const floorResult = await measure({ url: `http://127.0.0.1:${floorPort}/`, durationSeconds: seconds });
  await stopChildProcess(floor);

  await runCleanups();

  const output = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, database ${database.label} on the same machine`,
    sizes,
    app_node_options: process.env.BENCH_APP_NODE_OPTIONS ?? '',
    floor_rps: floorResult.rps,
    floor_page_bytes: pageBytes,
    scenarios: [
      ...Object.entries(results).map(([name, r]) => ({
        name,
        rps: r.rps,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        ratio_to_floor: Number((r.rps / floorResult.rps).toFixed(3)),
        ...(dbOps[name] !== undefined ? { db_ops: dbOps[name] } : {}),
        non2xx: r.non2xx,
        errors: r.errors,
        ...(rssAfter[name] ? { rss_after_mb: rssAfter[name] } : {}),
      })),
      growth,
    ],
    course_report_single_ms: { median: Number(reportMs[10]!.toFixed(1)), max: Number(reportMs[19]!.toFixed(1)) },
    pdf_median_ms: Number(times[Math.floor(times.length / 2)]!.toFixed(1)),
    rss_mb: appRssMb,
    memory_after_mb: memoryAfter,
    cold_start_ms: coldStartMs,
    lost_updates: lostUpdates,
    doubled_updates: doubled,
    acknowledged_completions: acknowledged.size,
    seed_ms: seedMs,
    total_ms: Date.now() - started,
  };
  if (!quick) writeFileSync(path.resolve('bench/results.json'), `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nMachine: ${output.machine}\nFloor (bare Express 5 + EJS, ${pageBytes} B page): ${output.floor_rps} req/s\n`);
  console.log('| scenario | req/s | p50 ms | p99 ms | ratio to floor | db_ops | non-2xx | app RSS after, MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of output.scenarios)
    if ('rps' in row)
      console.log(
        `| ${row.name} | ${row.rps} | ${row.p50_ms} | ${row.p99_ms} | ${row.ratio_to_floor} | ${row.db_ops ?? ''} | ${row.non2xx} | ${row.rss_after_mb ?? ''} |`,
      );
  console.log(
    `\nGrowth (module page, one signed-in learner, one request at a time): ${growth.learners_small} learners p50 ${growth.p50_small_ms} ms / p99 ${growth.p99_small_ms} ms; ${growth.learners_large} learners p50 ${growth.p50_large_ms} ms / p99 ${growth.p99_large_ms} ms; p50 ratio ${growth.p50_ratio}`,
  );
  console.log(
    `\nCourse report, one request at a time (20): median ${output.course_report_single_ms.median} ms, slowest ${output.course_report_single_ms.max} ms`,
  );
  console.log(
    `\nPDF median ${output.pdf_median_ms} ms · app RSS ${output.rss_mb} MB · cold start ${output.cold_start_ms} ms · lost updates ${lostUpdates} · doubled ${doubled} (of ${acknowledged.size} acknowledged completions) · seed ${Math.round(seedMs / 1000)} s · total ${Math.round(output.total_ms / 1000)} s`,
  );
}

async function runCleanups(): Promise<void> {
  while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch(() => undefined);
}

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  await runCleanups();
  process.exit(1);
});
