/** Progress of earlier versions (one collection per kind) moved into learnerFacts at start-up, with nothing lost. */
import mongoose, { Types } from 'mongoose';
import { importCourses } from '../../src/courses/course-importer';
import { getLiveCourse } from '../../src/courses/courses.service';
import { runDataMigrations } from '../../src/data-migrations';
import { LearnerFact } from '../../src/learning/learner-fact.model';
import { getLearnerCourseState } from '../../src/learning/learning.service';
import { writeFixtureCourse } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

describe('moving earlier progress into learnerFacts', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('learner_facts');
    await importCourses(writeFixtureCourse({ slug: 'legacy-course', modules: 3 }));
  });
  afterAll(() => test.close());

  it('keeps every enrolment, visit, completion and passed quiz, drops the old collections, and a rerun changes nothing', async () => {
    const db = mongoose.connection.db!;
    const learners = Array.from({ length: 30 }, () => new Types.ObjectId());
    const base = (learnerId: Types.ObjectId) => ({ learnerId, courseSlug: 'legacy-course' });
    await db.collection('enrolments').insertMany(
      learners.map((id, i) => ({
        ...base(id),
        enrolledAt: new Date(),
        ...(i % 10 === 0 ? { completedAt: new Date(), completedVersion: 1 } : {}),
      })),
    );
    await db
      .collection('moduleVisits')
      .insertMany(
        learners.flatMap((id) => ['module-1', 'module-2'].map((moduleSlug) => ({ ...base(id), moduleSlug, firstVisitedAt: new Date() }))),
      );
    await db
      .collection('moduleCompletions')
      .insertMany(learners.map((id) => ({ ...base(id), moduleSlug: 'module-1', courseVersion: 1, completedAt: new Date() })));
    await db.collection('quizAttempts').insertMany(
      learners.flatMap((id, i) =>
        [1, 2].map((n) => ({
          ...base(id),
          moduleSlug: 'module-1',
          courseVersion: 1,
          attemptNumber: n,
          submissionKey: `k${i}-${n}`,
          answers: [],
          score: 100,
          isPassed: true,
          submittedAt: new Date(),
        })),
      ),
    );

    const log: string[] = [];
    await runDataMigrations((line) => log.push(line));
    expect(log.join('\n')).toMatch(/Moved 120 enrolments, completions and visits into learnerFacts/);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const gone of ['enrolments', 'moduleVisits', 'moduleCompletions']) expect(names).not.toContain(gone);
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          ['enrolment', 'visit', 'completion', 'quizPassed', 'courseCompleted'].map(async (kind) => [
            kind,
            await LearnerFact.countDocuments({ kind }),
          ]),
        ),
      );
    // One quizPassed per learner although each passed twice; one courseCompleted per completed enrolment.
    expect(await counts()).toEqual({ enrolment: 30, visit: 60, completion: 30, quizPassed: 30, courseCompleted: 3 });

    const course = (await getLiveCourse('legacy-course'))!;
    const state = await getLearnerCourseState(String(learners[1]), course);
    expect(state.isEnrolled).toBe(true);
    expect([...state.completedModules]).toEqual(['module-1']);
    expect([...state.passedQuizzes]).toEqual(['module-1']);
    expect(state.moduleStates).toEqual({ 'module-1': 'completed', 'module-2': 'in-progress', 'module-3': 'not-started' });

    await runDataMigrations(() => undefined);
    expect(await counts()).toEqual({ enrolment: 30, visit: 60, completion: 30, quizPassed: 30, courseCompleted: 3 });
  });
});

describe('course-level facts are unique per learner and course', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('learner_facts_unique');
    await importCourses(writeFixtureCourse({ slug: 'unique-course', modules: 2 }));
  });
  afterAll(() => test.close());

  it('enrolling twice, one after the other and ten at once, stores one enrolment', async () => {
    const learnerId = new Types.ObjectId().toHexString();
    const { enrol } = await import('../../src/learning/learning.service');
    expect((await enrol(learnerId, 'unique-course')).isNew).toBe(true);
    expect((await enrol(learnerId, 'unique-course')).isNew).toBe(false);
    const racer = new Types.ObjectId().toHexString();
    const results = await Promise.all(Array.from({ length: 10 }, () => enrol(racer, 'unique-course')));
    expect(results.filter((result) => result.isNew)).toHaveLength(1);
    for (const id of [learnerId, racer]) {
      expect(await LearnerFact.countDocuments({ learnerId: new Types.ObjectId(id), kind: 'enrolment' })).toBe(1);
    }
  });

  it('gives earlier course-level facts an empty moduleSlug at start-up and removes the duplicates FerretDB let in', async () => {
    const learnerId = new Types.ObjectId();
    const raw = { learnerId, courseSlug: 'unique-course', kind: 'enrolment', enrolledAt: new Date() };
    await LearnerFact.collection.insertMany([{ ...raw }, { ...raw }, { ...raw, kind: 'courseCompleted', courseVersion: 1 }]);
    const log: string[] = [];
    await runDataMigrations((line) => log.push(line));
    const facts = await LearnerFact.collection.find({ learnerId }).toArray();
    expect(facts.map((fact) => [fact.kind, fact.moduleSlug]).sort()).toEqual([
      ['courseCompleted', ''],
      ['enrolment', ''],
    ]);
    expect(log.join('\n')).toMatch(/removed 1 duplicates/);
  });
});
