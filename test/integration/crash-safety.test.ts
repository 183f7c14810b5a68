/**
 * kill -9 the app while 200 progress updates are in flight, restart it, and check that every update the app
 * acknowledged (answered 200) is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { hashPassword } from '../../src/accounts/password-hash';
import { User } from '../../src/accounts/user.model';
import { importCourses } from '../../src/courses/course-importer';
import { connectDatabase } from '../../src/db/connection';
import { findFreePort } from '../../src/db/embedded-server';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { httpClient as browser } from '../../bench/http-client';
import { writeFixtureCourse } from '../support/course-fixtures';
import { spawnServer } from '../support/server-process';
import { testDatabaseName, testDatabaseUri } from '../support/test-app';

const LEARNERS = 20;
const MODULES = 10;
const PASSWORD = 'crash safety password 1';

describe('crash safety', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged progress update after kill -9 during 200 concurrent updates', async () => {
    const dbName = testDatabaseName('crash');
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${dbName}`;
    const connection = await connectDatabase(uri.toString());
    try {
      await importCourses(writeFixtureCourse({ slug: 'crash-course', modules: MODULES, quizzes: false }));
      const passwordHash = await hashPassword(PASSWORD);
      await User.insertMany(
        Array.from({ length: LEARNERS }, (_, i) => ({ name: `Learner ${i}`, email: `crash${i}@example.org`, passwordHash })),
      );

      const port = await findFreePort();
      const env = { MONGODB_URI: uri.toString(), DATA_DIR: dataDir, PORT: String(port), COURSES_DIR: path.join(dataDir, 'none') };
      const first = spawnServer(env);
      await first.waitForLog('Procurement Academy is listening');
      const base = `http://127.0.0.1:${port}`;

      const learners = await Promise.all(
        Array.from({ length: LEARNERS }, async (_, i) => {
          const client = browser(base);
          const login = await client.postForm('/login', {
            _csrf: await client.csrf('/login'),
            email: `crash${i}@example.org`,
            password: PASSWORD,
          });
          expect(login.status).toBe(303);
          const enrol = await client.postForm('/courses/crash-course/enrol', { _csrf: await client.csrf('/courses/crash-course') });
          expect(enrol.status).toBe(303);
          return { client, token: await client.csrf('/courses/crash-course/modules/module-1'), email: `crash${i}@example.org` };
        }),
      );

      const acknowledged: { email: string; module: string }[] = [];
      let killed = false;
      const updates = learners.flatMap(({ client, token, email }) =>
        Array.from(
          { length: MODULES },
          (_, m) =>
            client
              .postForm(`/courses/crash-course/modules/module-${m + 1}/complete`, { _csrf: token }, { accept: 'application/json' })
              .then(async (response) => {
                if (response.status === 200 && ((await response.json()) as { completed?: boolean }).completed === true)
                  acknowledged.push({ email, module: `module-${m + 1}` });
                if (!killed && acknowledged.length >= 60) {
                  killed = true;
                  first.child.kill('SIGKILL');
                }
              })
              .catch(() => undefined), // the connection was cut by the kill: not acknowledged
        ),
      );
      expect(updates).toHaveLength(200);
      await Promise.all(updates);
      expect(killed).toBe(true);
      expect(await first.exited).toBe(null);

      const second = spawnServer(env);
      await second.waitForLog('Procurement Academy is listening');
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);

      const users = await User.find({}, { email: 1 }).lean();
      const idByEmail = new Map(users.map((user) => [user.email, user._id as Types.ObjectId]));
      const stored = await ModuleCompletion.find({ courseSlug: 'crash-course' }, { learnerId: 1, moduleSlug: 1 }).lean();
      const storedKeys = new Set(stored.map((row) => `${String(row.learnerId)}/${row.moduleSlug}`));
      const missing = acknowledged.filter(({ email, module }) => !storedKeys.has(`${String(idByEmail.get(email))}/${module}`));
      console.log(
        `crash safety: ${acknowledged.length} acknowledged before kill -9, ${stored.length} stored, ${missing.length} acknowledged but missing`,
      );
      expect(acknowledged.length).toBeGreaterThanOrEqual(60);
      expect(missing).toEqual([]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await mongoose.connection.dropDatabase();
      await connection.close();
    }
  }, 120000);
});
