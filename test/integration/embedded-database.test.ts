/**
 * The default database as a user meets it, through real processes: FerretDB on the embedded PostgreSQL, one owner per
 * data folder (a second app refuses, tools share, stale servers are stopped only when their owner is dead), and data
 * from an earlier version's SQLite folder moved over at start-up.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pg from 'pg';
import { User } from '../../src/accounts/user.model';
import { buildApp } from '../../src/app';
import { issueCertificate } from '../../src/certificates/certificates.service';
import { loadConfig } from '../../src/config';
import { importCourses } from '../../src/courses/course-importer';
import { connectDatabase } from '../../src/db/connection';
import { findFreePort, isProcessAlive } from '../../src/db/embedded-server';
import { findFerretdb } from '../../src/db/ferretdb-binary';
import { startFerretdb } from '../../src/db/resolve-database';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { createLogger } from '../../src/logger';
import { writeFixtureCourse } from '../support/course-fixtures';
import { serverDataDir, spawnServer, type ServerProcess } from '../support/server-process';

type Owner = { pid: number; uri: string; servers: { kind: string; pid: number; startTime?: string }[] };
const readOwner = (dataDir: string) => JSON.parse(readFileSync(path.join(dataDir, 'db', 'owner.json'), 'utf8')) as Owner;
const health = (port: number) =>
  fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.status,
    () => 0,
  );

/** Polls /healthz until `until` resolves; every answer is kept, so a test can assert that none was an outage. */
function watchHealth(port: number) {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      statuses.push(await health(port));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return { statuses, stop: async () => ((running = false), await loop) };
}

function runTool(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(script), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

describe('one owner per data folder', () => {
  const dataDir = serverDataDir('pa-owner-');
  const courses = path.join(dataDir, 'no-courses');
  let port: number;
  let first: ServerProcess;
  beforeAll(async () => {
    port = await findFreePort();
    first = spawnServer({ DATA_DIR: dataDir, PORT: String(port), COURSES_DIR: courses });
    const resolved = await first.waitForLog('database resolved');
    expect(resolved).toMatchObject({ kind: 'embedded', backend: 'postgresql' });
    await first.waitForLog('Procurement Academy is listening');
  }, 120000);
  afterAll(async () => {
    await stopServer(first);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second app on the same folder says so and exits; the first is not touched', async () => {
    const watch = watchHealth(port);
    const second = spawnServer({ DATA_DIR: dataDir, PORT: String(await findFreePort()), COURSES_DIR: courses });
    expect(await second.exited).toBe(1);
    await watch.stop();
    expect(second.stderr.join('')).toContain(`Another Procurement Academy process (pid ${first.child.pid}) is running on the data folder`);
    expect(watch.statuses.length).toBeGreaterThan(0);
    expect(watch.statuses.every((status) => status === 200)).toBe(true);
    expect(readOwner(dataDir).pid).toBe(first.child.pid);
  }, 60000);

  it('admin:create beside the running app uses its database and leaves /healthz at 200 throughout', async () => {
    const watch = watchHealth(port);
    const tool = await runTool(
      'scripts/admin-create.ts',
      ['--email', 'beside@example.org', '--name', 'Beside', '--password', 'a long enough passphrase'],
      { DATA_DIR: dataDir },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await watch.stop();
    expect(tool.output).toContain(`Using the database of the running app (pid ${first.child.pid})`);
    expect(tool.code).toBe(0);
    expect(watch.statuses.every((status) => status === 200)).toBe(true);
    // The account is in the app's database, and the app's servers are the ones it started.
    const owner = readOwner(dataDir);
    const client = await mongoose.mongo.MongoClient.connect(owner.uri);
    try {
      expect(
        await client
          .db()
          .collection('users')
          .findOne({ email: 'beside@example.org' }, { projection: { role: 1 } }),
      ).toMatchObject({ role: 'admin' });
    } finally {
      await client.close();
    }
    for (const server of owner.servers) expect(isProcessAlive(server.pid, server.startTime)).toBe(true);
  }, 120000);

  it('after the owner dies (kill -9), the next start stops the servers it left and takes over', async () => {
    const orphans = readOwner(dataDir).servers;
    first.child.kill('SIGKILL');
    await first.exited;
    for (const server of orphans) expect(isProcessAlive(server.pid, server.startTime)).toBe(true);

    first = spawnServer({ DATA_DIR: dataDir, PORT: String(port), COURSES_DIR: courses });
    await first.waitForLog('Procurement Academy is listening');
    expect(await health(port)).toBe(200);
    for (const server of orphans) expect(isProcessAlive(server.pid, server.startTime)).toBe(false);
    expect(first.stdout.join('\n')).toMatch(/Stopped postgres \(pid \d+\) left running by an earlier process/);
    expect(readOwner(dataDir).pid).toBe(first.child.pid);
  }, 120000);
});

// CI starts the machine's PostgreSQL for this; elsewhere it runs when one answers on 127.0.0.1:5432.
const systemPostgres = 'postgres://postgres@127.0.0.1:5432/postgres';
const postgresAnswers = () =>
  new pg.Client({ connectionString: systemPostgres, connectionTimeoutMillis: 1000 }).connect().then(
    (c) => (void c.end(), true),
    () => false,
  );

describe('POSTGRES_URL: FerretDB on an existing PostgreSQL', () => {
  it('starts only FerretDB, on that PostgreSQL', async () => {
    if (!(await postgresAnswers())) {
      if (process.env.CI) throw new Error('CI must provide PostgreSQL on 127.0.0.1:5432 for this test');
      return;
    }
    const admin = new pg.Client({ connectionString: systemPostgres });
    await admin.connect();
    if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = 'academy_postgres_url_test'")).rowCount === 0)
      await admin.query('CREATE DATABASE academy_postgres_url_test');
    await admin.end();
    const dataDir = serverDataDir('pa-pgurl-');
    const port = await findFreePort();
    const server = spawnServer({
      DATA_DIR: dataDir,
      PORT: String(port),
      COURSES_DIR: path.join(dataDir, 'none'),
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/academy_postgres_url_test',
    });
    try {
      expect(await server.waitForLog('database resolved')).toMatchObject({ kind: 'embedded', backend: 'postgresql' });
      await server.waitForLog('Procurement Academy is listening');
      expect(await health(port)).toBe(200);
      expect(readOwner(dataDir).servers.map((s) => s.kind)).toEqual(['ferretdb']);
      expect(existsSync(path.join(dataDir, 'db', 'postgres'))).toBe(false);
    } finally {
      await stopServer(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120000);
});

describe('production refuses unsafe defaults', () => {
  it('exits non-zero without BASE_URL, naming it in one line', async () => {
    const server = spawnServer({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'pa-prod-')), BASE_URL: '' });
    expect(await server.exited).toBe(1);
    const output = server.stderr.join('').trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toContain('BASE_URL is required in production');
  }, 30000);
});

describe('data from an earlier version (FerretDB on SQLite)', () => {
  const dataDir = serverDataDir('pa-sqlite-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is moved to PostgreSQL at start-up with nothing lost, and every certificate still verifies', async () => {
    const binary = findFerretdb(process.env.FERRETDB_BIN);
    if (!binary) throw new Error('no ferretdb binary: run `npm run db:install` first');
    const coursesDir = writeFixtureCourse({ slug: 'moved-course', modules: 3 });
    const env = { DATA_DIR: dataDir, COURSES_DIR: coursesDir, BASE_URL: 'http://localhost:3000' };

    // The earlier version's layout: DATA_DIR/db/ferretdb/sqlite, filled through the app's own services.
    const sqlite = await startFerretdb(binary, path.join(dataDir, 'db', 'ferretdb'));
    const connection = await connectDatabase(sqlite.uri);
    const codes: string[] = [];
    try {
      buildApp({ config: loadConfig({ ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), logger: createLogger({ level: 'silent' }) });
      await importCourses(coursesDir);
      for (const name of ['Ada Lovelace', '王小明', 'Grace Hopper']) {
        const user = await User.create({ name, email: `moved-${codes.length}@example.org`, passwordHash: 'scrypt$placeholder' });
        for (const moduleSlug of ['module-1', 'module-2', 'module-3'])
          await ModuleCompletion.create({ learnerId: user._id, courseSlug: 'moved-course', moduleSlug, courseVersion: 1 });
        const { certificate } = await issueCertificate({
          learnerId: String(user._id),
          courseSlug: 'moved-course',
          courseVersion: 1,
          completedAt: new Date('2026-11-01T10:00:00Z'),
        });
        codes.push(certificate.code);
      }
    } finally {
      await connection.close();
      await sqlite.stop();
    }

    const port = await findFreePort();
    const server = spawnServer({ ...env, PORT: String(port) });
    try {
      await server.waitForLog('Procurement Academy is listening', 120000);
      const log = server.stdout.join('\n');
      expect(log).toMatch(/Found data from an earlier version in .*sqlite/);
      expect(log).toMatch(/Moved \d+ documents in \d+ collections to PostgreSQL/);
      expect(existsSync(path.join(dataDir, 'db', 'ferretdb', 'sqlite'))).toBe(false);
      expect(readdirSync(path.join(dataDir, 'db', 'ferretdb')).some((name) => name.startsWith('sqlite.migrated-'))).toBe(true);

      for (const code of codes) {
        const verdict = (await fetch(`http://127.0.0.1:${port}/verify/${code}`, { headers: { accept: 'application/json' } }).then((r) =>
          r.json(),
        )) as { status?: string };
        expect(verdict.status).toBe('valid');
      }
      const client = await mongoose.mongo.MongoClient.connect(readOwner(dataDir).uri);
      try {
        expect(await client.db().collection('users').countDocuments()).toBe(3);
        expect(await client.db().collection('learnerFacts').countDocuments({ kind: 'completion', courseSlug: 'moved-course' })).toBe(9);
        expect(await client.db().collection('certificates').countDocuments()).toBe(3);
      } finally {
        await client.close();
      }
    } finally {
      await stopServer(server);
    }
  }, 240000);
});
