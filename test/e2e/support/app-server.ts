import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase } from '../../../src/db/connection';
import { findFreePort } from '../../../src/db/embedded-server';
import { writeFixtureCourse } from '../../support/course-fixtures';
import { spawnServer, type ServerProcess } from '../../support/server-process';
import { testDatabaseName, testDatabaseUri } from '../../support/test-app';

/** `uri` is the server's own test database, for tests that set up accounts directly (see ./accounts.ts). */
export type E2eServer = { base: string; dataDir: string; uri: string; server: ServerProcess; stop(): Promise<void> };

/**
 * The real app as a process on a free port, with its own test database and data folder, serving the bundled
 * courses plus a two-module fixture course ("e2e-course": quiz answers are option `a` and `true`), and `extraCourses`.
 */
export async function startE2eServer(label: string, extraCourses: string[] = []): Promise<E2eServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `pa-e2e-${label}-`));
  const coursesDir = path.join(dataDir, 'courses');
  cpSync(path.resolve('courses'), coursesDir, { recursive: true });
  cpSync(
    path.join(writeFixtureCourse({ slug: 'e2e-course', modules: 2, passMark: 100 }), 'e2e-course'),
    path.join(coursesDir, 'e2e-course'),
    { recursive: true },
  );
  // More course folders a journey needs (each copied under its own folder name).
  for (const folder of extraCourses) cpSync(folder, path.join(coursesDir, path.basename(folder)), { recursive: true });
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${testDatabaseName(label)}`;
  const port = await findFreePort();
  // Development mode: production refuses to start without an SMTP server, and these journeys read the app's mail
  // from DATA_DIR/mail, where it goes when no SMTP_URL is set.
  const server = spawnServer({
    MONGODB_URI: uri.toString(),
    DATA_DIR: dataDir,
    PORT: String(port),
    COURSES_DIR: coursesDir,
    BASE_URL: `http://127.0.0.1:${port}`,
    NODE_ENV: 'development',
    SMTP_URL: '',
  });
  await server.waitForLog('Procurement Academy is listening');
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 100 && (await fetch(`${base}/courses/e2e-course`)).status !== 200; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    base,
    dataDir,
    uri: uri.toString(),
    server,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      const connection = await connectDatabase(uri.toString());
      await mongoose.connection.dropDatabase();
      await connection.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
