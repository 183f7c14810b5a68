/**
 * Database round trips of the quiz pages with draws and attempt rules (issue 15), counted by the driver's command
 * monitoring, pinned so that a later change cannot quietly add reads.
 */
import { databaseCommandCounts } from '../../src/db/connection';
import { importCourses } from '../../src/courses/course-importer';
import { signedInUser } from '../support/learners';
import { answersFor, DRAW_MODULE, enrolIn, openQuizForm, quizUrl, WRONG, writeQuizCourse } from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';

const COURSE = 'quiz-counted';

async function commandsOf(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = databaseCommandCounts().byName;
  await run();
  const after = databaseCommandCounts().byName;
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, n]) => [name, n - (before[name] ?? 0)])
      .filter(([, n]) => Number(n) > 0),
  );
}

describe('quiz round trips', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('quiz_round_trips', { COUNT_DB_COMMANDS: 'true' });
    await importCourses(writeQuizCourse(COURSE, { maxQuizAttempts: 5, retakeAfterMinutes: 0 }));
  });
  afterAll(() => test.close());

  it('quiz page: 4 reads (session, enrolment, attempts, draws and grants), plus the draw insert on first open', async () => {
    const { agent } = await signedInUser(test.app, { name: 'Counted', email: 'quiz-counted@example.org' });
    await enrolIn(agent, COURSE);
    const first = await commandsOf(() => agent.get(quizUrl(COURSE, DRAW_MODULE)).expect(200));
    console.log(`[round trips] quiz page, first open: ${JSON.stringify(first)}`);
    expect(first).toEqual({ find: 4, insert: 1 });
    const again = await commandsOf(() => agent.get(quizUrl(COURSE, DRAW_MODULE)).expect(200));
    console.log(`[round trips] quiz page, reload: ${JSON.stringify(again)}`);
    expect(again).toEqual({ find: 4 });

    const form = await openQuizForm(agent, COURSE, DRAW_MODULE);
    const submit = await commandsOf(() =>
      agent.post(quizUrl(COURSE, DRAW_MODULE)).set('Accept', 'application/json').type('form').send(answersFor(form, WRONG)).expect(200),
    );
    console.log(`[round trips] failed submission of a drawn quiz: ${JSON.stringify(submit)}`);
    expect(submit).toEqual({ find: 4, insert: 1 });
  });
});
