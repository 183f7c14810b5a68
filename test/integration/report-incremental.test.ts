/**
 * Live reports: a refresh reads only the facts added since the last one (asked for minute by minute with an
 * equality FerretDB pushes down), and its result equals a full rebuild.
 */
import mongoose, { Types } from 'mongoose';
import { User } from '../../src/accounts/user.model';
import type { connectDatabase } from '../../src/db/connection';
import { getLiveCourse } from '../../src/courses/courses.service';
import { Enrolment } from '../../src/learning/enrolment.model';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { ModuleTime, ModuleVisit } from '../../src/learning/module-activity.model';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { buildReportSnapshots, refreshReports } from '../../src/reports/report-build';
import { seed } from '../../scripts/seed/seed';
import { FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';
import { snapshotContents } from '../support/report-snapshots';
import { connectTestDatabase, testDatabaseName, testDatabaseUri } from '../support/test-app';

// A fixture course set (the seeder imports it): editing the shipped courses cannot change these numbers.
const COURSES = writeFixtureCourseSet();
// About 100 000 progress facts (visits and completions) from 8 000 learners.
const sizes = { learners: 8000, progress: 90_000, attempts: 8000, certificates: 100, seed: 11 };
const COURSE = FIXTURE_SET[0].slug;

describe('incremental report refresh', () => {
  let connection: Awaited<ReturnType<typeof connectDatabase>>;
  beforeAll(async () => {
    connection = await connectTestDatabase(testDatabaseUri(), testDatabaseName('report_increment'), {
      postgresUrl: process.env.TEST_POSTGRES_URL,
    });
    await seed({
      ...sizes,
      coursesDir: COURSES,
      mainCourse: FIXTURE_SET[0].slug,
      buildReports: false,
      now: new Date('2026-06-01T00:00:00Z'),
    });
  }, 600_000);
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await connection.close();
  });

  it('reads only the 100 facts added after a full build, and equals a full rebuild', async () => {
    const first = await refreshReports();
    expect(first.mode).toBe('full');
    expect(first.documentsRead).toBeGreaterThan(100_000);
    const before = (await snapshotContents(COURSE)).summary.learnerCount;

    // 10 new learners, 10 facts each: enrolment, 3 visits, 3 completions, 2 quiz attempts, 1 reading time.
    const course = (await getLiveCourse(COURSE))!;
    const modules = course.modules.map((module) => module.slug);
    for (let i = 0; i < 10; i += 1) {
      const user = await User.create({
        name: `Incremental ${i}`,
        email: `incremental-${i}@example.org`,
        passwordHash: 'scrypt$x',
        profile: { enterpriseSize: 'small', womenOwned: i % 2 === 0, region: 'Jiangsu' },
      });
      const base = { learnerId: user._id as Types.ObjectId, courseSlug: COURSE };
      await Enrolment.create(base);
      for (const moduleSlug of modules.slice(0, 3)) await ModuleVisit.create({ ...base, moduleSlug });
      for (const moduleSlug of modules.slice(0, 3)) await ModuleCompletion.create({ ...base, moduleSlug, courseVersion: course.version });
      for (const attemptNumber of [1, 2]) {
        await QuizAttempt.create({
          ...base,
          moduleSlug: modules[0]!,
          courseVersion: course.version,
          attemptNumber,
          submissionKey: `inc-${i}-${attemptNumber}`,
          answers: [],
          score: attemptNumber * 40,
          isPassed: attemptNumber === 2,
        });
      }
      await ModuleTime.create({ ...base, moduleSlug: modules[0]!, seconds: 120 });
    }

    const second = await refreshReports();
    expect(second.mode).toBe('incremental');
    expect(second.documentsRead).toBe(100);
    const incremental = await snapshotContents(COURSE);
    expect(incremental.summary.learnerCount).toBe(before + 10);

    const rebuilt = await buildReportSnapshots();
    expect(rebuilt.mode).toBe('full');
    const full = await snapshotContents(COURSE);
    expect(full.summary.learnerCount).toBe(incremental.summary.learnerCount);
    expect(incremental.summary).toEqual(full.summary);
    expect(incremental.rows).toEqual(full.rows);
    expect(incremental.details).toEqual(full.details);

    // Nothing new: the next refresh reads only what it already knew of the current minute, and adds nothing.
    const third = await refreshReports();
    expect(third.mode).toBe('incremental');
    expect((await snapshotContents(COURSE)).summary).toEqual(full.summary);
  }, 600_000);
});
