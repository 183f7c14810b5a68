/**
 * The seeder (`npm run seed`, `npm run bench`): requested volumes, and report snapshots tallied from the generated
 * documents that equal what the report build computes from the database afterwards.
 */
import mongoose from 'mongoose';
import type { connectDatabase } from '../../src/db/connection';
import { refreshReports } from '../../src/reports/report-build';
import { seed, SeedRefused } from '../../scripts/seed/seed';
import { FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';
import { snapshotContents } from '../support/report-snapshots';
import { connectTestDatabase, testDatabaseName, testDatabaseUri } from '../support/test-app';

// A fixture course set (the seeder imports it): editing the shipped courses cannot change these numbers.
const COURSES = writeFixtureCourseSet();
const sizes = { learners: 300, progress: 2400, attempts: 700, certificates: 20, seed: 5 };

describe('seed', () => {
  let connection: Awaited<ReturnType<typeof connectDatabase>>;
  let result: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    connection = await connectTestDatabase(testDatabaseUri(), testDatabaseName('seed'));
    result = await seed({ ...sizes, coursesDir: COURSES, mainCourse: FIXTURE_SET[0].slug, now: new Date('2026-06-01T00:00:00Z') });
  }, 120_000);
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await connection.close();
  });

  it('writes the requested learners, certificates, and progress and attempts of the main course near the request', () => {
    expect(result.inserted.users).toBe(sizes.learners);
    expect(result.inserted.certificates).toBe(sizes.certificates);
    expect(result.inserted.enrolments).toBeGreaterThanOrEqual(sizes.learners);
    const progress = result.inserted.moduleVisits! + result.inserted.moduleCompletions!;
    // The other courses add their own activity on top (about 10% of learners each).
    expect(progress).toBeGreaterThan(sizes.progress * 0.95);
    expect(progress).toBeLessThan(sizes.progress * 1.5);
    expect(result.inserted.quizAttempts).toBeGreaterThan(sizes.attempts * 0.8);
  });

  it('publishes report snapshots equal to the ones built from the database', async () => {
    // The main course first: it has the requested learners.
    const slugs = FIXTURE_SET.map((course) => course.slug);
    const seeded = await Promise.all(slugs.map(snapshotContents));
    expect(seeded[0]!.summary.learnerCount).toBe(sizes.learners);
    await refreshReports();
    const rebuilt = await Promise.all(slugs.map(snapshotContents));
    for (let i = 0; i < slugs.length; i += 1) {
      expect(rebuilt[i]!.snapshotId).not.toBe(seeded[i]!.snapshotId);
      expect(rebuilt[i]!.summary).toEqual(seeded[i]!.summary);
      expect(rebuilt[i]!.rows).toEqual(seeded[i]!.rows);
      expect(rebuilt[i]!.details).toEqual(seeded[i]!.details);
    }
  });

  it('refuses to apply the same seed twice to one database', async () => {
    await expect(seed({ ...sizes, coursesDir: COURSES })).rejects.toBeInstanceOf(SeedRefused);
  });
});
