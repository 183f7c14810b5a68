/**
 * Two app processes on one database behave as one: rate-limit counts are shared through the database (insert-only,
 * synced every second), so behind N processes the limit is not N times higher; and a publication announced in the
 * database reaches every process's in-memory course list within about a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { findFreePort } from '../../src/db/embedded-server';
import { insertCourseHead } from '../support/course-fixtures';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { testDatabaseName, testDatabaseUri } from '../support/test-app';

const LIMIT = 6;
const SYNC_WAIT_MS = 2500;

describe('two processes on one database', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  const ports: number[] = [];
  const uri = new URL(testDatabaseUri());
  beforeAll(async () => {
    uri.pathname = `/${testDatabaseName('ratelimit')}`;
    for (let i = 0; i < 2; i += 1) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-ratelimit-'));
      const port = await findFreePort();
      dirs.push(dir);
      ports.push(port);
      servers.push(
        spawnServer({
          MONGODB_URI: uri.toString(),
          DATA_DIR: dir,
          PORT: String(port),
          COURSES_DIR: path.join(dir, 'none'),
          CERT_VERIFY_LIMIT_PER_MINUTE: String(LIMIT),
        }),
      );
    }
    await Promise.all(servers.map((server) => server.waitForLog('Procurement Academy is listening')));
  }, 120000);
  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const verify = (port: number) =>
    fetch(`http://127.0.0.1:${port}/verify/NOT-A-REAL-CODE`, { headers: { accept: 'application/json' } }).then((r) => r.status);

  it(`allows ${LIMIT} verifications per minute per client in all, however they are spread over the processes`, async () => {
    // Stay inside one minute window (windows are aligned to the minute).
    const second = new Date().getSeconds();
    if (second > 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const first: number[] = [];
    for (let i = 0; i < 4; i += 1) first.push(await verify(ports[0]!));
    await new Promise((resolve) => setTimeout(resolve, SYNC_WAIT_MS));
    const second2: number[] = [];
    for (let i = 0; i < 4; i += 1) second2.push(await verify(ports[1]!));
    expect(first.every((status) => status !== 429)).toBe(true);
    // The second process knows the first one's four: two more pass, then 429.
    expect(second2.map((status) => status === 429)).toEqual([false, false, true, true]);
    await new Promise((resolve) => setTimeout(resolve, SYNC_WAIT_MS));
    expect(await verify(ports[0]!)).toBe(429);
  }, 90000);

  it('a course published elsewhere shows in both within about a second (not after the 5 s cache)', async () => {
    const home = (port: number) => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    for (const port of ports) await home(port); // both processes have just loaded their course list
    await insertCourseHead(uri.toString(), 'announced-course', 'Announced course');
    const client = await mongoose.mongo.MongoClient.connect(uri.toString());
    try {
      await client.db().collection('courseChanges').insertOne({ courseSlug: 'announced-course', at: new Date() });
    } finally {
      await client.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const port of ports) expect(await home(port)).toContain('Announced course');
  }, 30000);
});
