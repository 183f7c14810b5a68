/**
 * The database disappears in the middle of a course import: nothing half-written goes live, and the next import
 * (once the database is back) finishes the job.
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { Course } from '../../src/courses/course.model';
import { CourseVersion } from '../../src/courses/course-version.model';
import { importCourses } from '../../src/courses/course-importer';
import { connectDatabase } from '../../src/db/connection';
import { findFreePort } from '../../src/db/embedded-server';
import { findFerretdb } from '../../src/db/ferretdb-binary';
import { startFerretdb } from '../../src/db/resolve-database';
import { createLogger } from '../../src/logger';
import { testConfig } from '../support/test-app';
import { FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';

async function liveVersionsAreComplete(): Promise<void> {
  const courses = await Course.find({}).lean();
  expect(courses.length).toBe(COURSES);
  for (const course of courses) {
    const version = await CourseVersion.findOne({ courseSlug: course.slug, version: course.currentVersion }).lean();
    expect(version?.contentHash).toBe(course.contentHash);
    expect(version?.modules.length).toBe(course.moduleCount);
  }
}

const COURSES = FIXTURE_SET.length;

describe('database outage during a course import', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-import-outage-'));
  const root = path.join(dir, 'courses');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the previous versions live, answers 503 meanwhile, and the next import completes', async () => {
    const binary = findFerretdb(process.env.FERRETDB_BIN);
    if (!binary) throw new Error('no ferretdb binary: run `npm run db:install` first');
    // A fixture set (three courses), so the shipped content cannot change what this test sees.
    cpSync(writeFixtureCourseSet(), root, { recursive: true });
    const port = await findFreePort();
    let server = await startFerretdb(binary, path.join(dir, 'db'), port);
    const connection = await connectDatabase(server.uri, 'test_import_outage');
    const config = testConfig();
    const app = buildApp({ config, logger: createLogger({ level: 'silent' }) });
    try {
      await importCourses(root);
      for (const slug of readdirSync(root).filter((name) => !name.includes('.'))) {
        const module = readdirSync(path.join(root, slug)).find((name) => name.endsWith('.en.md'))!;
        appendFileSync(path.join(root, slug, module), '\nA sentence added for version 2.\n');
      }

      // Pull the plug right after the first course is published: the other two are still to come.
      const stopped = server;
      await expect(importCourses(root, { onCourseDone: () => stopped.stop() })).rejects.toThrow();

      const page = await request(app).post('/login').type('form').send({ email: 'a@b.org', password: 'x' });
      expect(page.status).toBe(503);
      expect(page.text).toContain('Temporarily unavailable');

      server = await startFerretdb(binary, path.join(dir, 'db'), port);
      for (let tries = 0; tries < 80 && (await request(app).get('/healthz')).status !== 200; tries += 1)
        await new Promise((r) => setTimeout(r, 250));
      await liveVersionsAreComplete();

      const outcomes = await importCourses(root);
      expect(outcomes.every((outcome) => outcome.status === 'updated' || outcome.status === 'unchanged')).toBe(true);
      await liveVersionsAreComplete();
      expect((await Course.find({}).lean()).every((course) => course.currentVersion === 2)).toBe(true);
    } finally {
      await connection.close();
      await server.stop();
      config.cleanup();
    }
  }, 120000);
});
