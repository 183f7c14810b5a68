/**
 * Database round trips per request, counted by the driver's command monitoring (each FerretDB operation costs about a
 * millisecond of CPU, so this count decides page speed). Pinned, so that a later change cannot quietly add reads.
 */
import request from 'supertest';
import { databaseCommandCounts } from '../../src/db/connection';
import { importCourses } from '../../src/courses/course-importer';
import { tokenFor } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

const COURSE = 'round-trips';

/** Runs `request` and returns the database commands it sent, by name. */
async function commandsOf(request: () => Promise<unknown>): Promise<{ total: number; byName: Record<string, number> }> {
  const before = databaseCommandCounts().byName;
  await request();
  const after = databaseCommandCounts().byName;
  const byName = Object.fromEntries(
    Object.entries(after)
      .map(([name, n]) => [name, n - (before[name] ?? 0)])
      .filter(([, n]) => Number(n) > 0),
  );
  return { total: Object.values(byName).reduce((sum: number, n) => sum + Number(n), 0), byName };
}

describe('database round trips per request', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let learner: Awaited<ReturnType<typeof signedInUser>>;
  beforeAll(async () => {
    test = await startTestApp('round_trips', { COUNT_DB_COMMANDS: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 3 }));
    learner = await signedInUser(test.app, { name: 'Counted', email: 'counted@example.org' });
    await learner.agent
      .post(`/courses/${COURSE}/enrol`)
      .type('form')
      .send({ _csrf: await tokenFor(learner.agent, `/courses/${COURSE}`) })
      .expect(303);
  });
  afterAll(() => test.close());

  it('counts commands at all (the check can fail)', async () => {
    const counted = await commandsOf(() => learner.agent.get('/healthz').expect(200));
    expect(counted.byName).toEqual({ ping: 1 });
  });

  it('module page, revisited: 2 (the session, then the learner state in one read)', async () => {
    const page = `/courses/${COURSE}/modules/module-1`;
    await learner.agent.get(page).expect(200); // the first visit records a fact
    const counted = await commandsOf(() => learner.agent.get(page).expect(200));
    console.log(`[round trips] module page: ${counted.total} ${JSON.stringify(counted.byName)}`);
    expect(counted.byName.insert ?? 0).toBe(0);
    expect(counted.byName.update ?? 0).toBe(0);
    expect(counted).toEqual({ total: 2, byName: { find: 2 } });
  });

  it('module completion: 3 (session, learner state, the insert)', async () => {
    const token = await tokenFor(learner.agent, `/courses/${COURSE}/modules/module-2`);
    const counted = await commandsOf(() =>
      learner.agent
        .post(`/courses/${COURSE}/modules/module-2/complete`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: token })
        .expect(200),
    );
    console.log(`[round trips] completion: ${counted.total} ${JSON.stringify(counted.byName)}`);
    expect(counted).toEqual({ total: 3, byName: { find: 2, insert: 1 } });
  });

  it('dashboard: at most 3 (session, the facts of every course in one read, certificates)', async () => {
    const counted = await commandsOf(() => learner.agent.get('/dashboard').expect(200));
    console.log(`[round trips] dashboard: ${counted.total} ${JSON.stringify(counted.byName)}`);
    expect(counted.total).toBeLessThanOrEqual(3);
  });

  it('quiz submission (JSON): at most 5 (session, learner state, attempts, the insert, the first pass)', async () => {
    const quiz = `/courses/${COURSE}/modules/module-1/quiz`;
    const page = await learner.agent.get(quiz).expect(200);
    const fields = {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!,
      submissionKey: /name="submissionKey" value="([^"]+)"/.exec(page.text)![1]!,
      'q_q1-choice': 'a',
      'q_q1-truth': 'true',
    };
    const counted = await commandsOf(() =>
      learner.agent.post(quiz).set('Accept', 'application/json').type('form').send(fields).expect(200),
    );
    console.log(`[round trips] quiz submission: ${counted.total} ${JSON.stringify(counted.byName)}`);
    expect(counted.byName.insert).toBe(2);
    expect(counted.total).toBeLessThanOrEqual(5);
  });

  it('catalogue for a visitor: none (course heads from memory, no session)', async () => {
    await request(test.app).get('/').expect(200);
    const counted = await commandsOf(() => request(test.app).get('/').expect(200));
    expect(counted).toEqual({ total: 0, byName: {} });
  });
});
