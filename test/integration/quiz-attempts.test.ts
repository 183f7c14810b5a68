/**
 * Attempt rules: the attempt limit and the wait after a failed attempt hold under concurrent submissions (each
 * attempt is an insert behind a unique index), the quiz page says how many attempts are left and when the next may
 * start in both languages, and a trainer of the course (or an admin) can grant one more attempt, audited.
 */
import { Types } from 'mongoose';
import { assignTrainer } from '../../src/access/course-access';
import { AuditEntry } from '../../src/audit/audit.model';
import { importCourses } from '../../src/courses/course-importer';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { QuizRecord } from '../../src/learning/quiz-record.model';
import { tokenFor, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { answersFor, DRAW_MODULE, enrolIn, FULL_MODULE, openQuizForm, quizUrl, WRONG, writeQuizCourse } from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';

const LIMITED = 'attempts-limited';
const WAITING = 'attempts-waiting';
const SECOND = 'attempts-second';
const ONE_TRY = 'attempts-one-try';

describe('quiz attempt rules', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let n = 0;
  const person = (role: 'learner' | 'trainer' | 'admin' = 'learner') =>
    signedInUser(test.app, { name: `Person ${(n += 1)}`, email: `attempts${n}@example.org`, role });
  const learner = async (course: string) => {
    const user = await person();
    await enrolIn(user.agent, course);
    return user;
  };
  /** `count` parallel wrong answers to the quiz that asks everything, each its own form (no attempt number). */
  const parallelWrong = async (agent: Agent, course: string, count: number) => {
    const form = await openQuizForm(agent, course, FULL_MODULE);
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        agent
          .post(quizUrl(course, FULL_MODULE))
          .set('Accept', 'application/json')
          .type('form')
          .send({ _csrf: form.csrf, submissionKey: `parallel-${i}-abcdefghijklmnop`, q_s1: WRONG.s1, q_s2: WRONG.s2 }),
      ),
    );
  };

  beforeAll(async () => {
    test = await startTestApp('quiz_attempts');
    await importCourses(writeQuizCourse(LIMITED, { maxQuizAttempts: 3, retakeAfterMinutes: 0 }));
    await importCourses(writeQuizCourse(WAITING, { maxQuizAttempts: 0, retakeAfterMinutes: 10, retakeWaitFrom: 'first-failure' }));
    await importCourses(writeQuizCourse(SECOND, { maxQuizAttempts: 5, retakeAfterMinutes: 10, retakeWaitFrom: 'second-failure' }));
    await importCourses(writeQuizCourse(ONE_TRY, { maxQuizAttempts: 1, retakeAfterMinutes: 0 }));
  });
  afterAll(() => test.close());

  it('accepts exactly the allowed number of 20 parallel submissions (limit 3)', async () => {
    const { agent, id } = await learner(LIMITED);
    const responses = await parallelWrong(agent, LIMITED, 20);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 403)).toHaveLength(17);
    const attempts = await QuizAttempt.find({ learnerId: new Types.ObjectId(id) }).lean();
    expect(attempts.map((attempt) => attempt.attemptNumber).sort()).toEqual([1, 2, 3]);
  });

  it('accepts one of 20 parallel submissions of the same drawn attempt; the others get it back', async () => {
    const { agent, id } = await learner(LIMITED);
    const form = await openQuizForm(agent, LIMITED, DRAW_MODULE);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        agent
          .post(quizUrl(LIMITED, DRAW_MODULE))
          .set('Accept', 'application/json')
          .type('form')
          .send({ ...answersFor(form, WRONG), submissionKey: `same-attempt-${i}-abcdefghij` }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(responses.filter((response) => response.body.isNew)).toHaveLength(1);
    expect(await QuizAttempt.countDocuments({ learnerId: new Types.ObjectId(id), moduleSlug: DRAW_MODULE })).toBe(1);
  });

  it('holds the wait after a failed attempt under 20 parallel submissions, and shows it in both languages', async () => {
    const { agent, id } = await learner(WAITING);
    const responses = await parallelWrong(agent, WAITING, 20);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    const waiting = responses.filter((response) => response.status === 429);
    expect(waiting).toHaveLength(19);
    expect(Date.parse(waiting[0]!.body.nextAttemptAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(await QuizAttempt.countDocuments({ learnerId: new Types.ObjectId(id) })).toBe(1);

    const en = await agent.get(quizUrl(WAITING, FULL_MODULE)).expect(200);
    expect(en.text).toMatch(/You can try again in (9|10) min \(at \d\d:\d\d UTC\)/);
    expect(en.text).not.toContain('name="submissionKey"');
    const zh = await agent.get(`${quizUrl(WAITING, FULL_MODULE)}?lang=zh-CN`).expect(200);
    expect(zh.text).toMatch(/您可在 (9|10) 分钟后/);

    // Ten minutes later (the attempt moved back in time), the quiz opens again.
    await QuizAttempt.updateOne({ learnerId: new Types.ObjectId(id) }, { $set: { submittedAt: new Date(Date.now() - 11 * 60_000) } });
    const open = await agent.get(quizUrl(WAITING, FULL_MODULE)).expect(200);
    expect(open.text).toContain('name="submissionKey"');
  });

  it('can start the wait only from the second failed attempt', async () => {
    const { agent } = await learner(SECOND);
    const first = await openQuizForm(agent, SECOND, FULL_MODULE);
    await agent.post(quizUrl(SECOND, FULL_MODULE)).type('form').send(answersFor(first, WRONG)).expect(200);
    const second = await openQuizForm(agent, SECOND, FULL_MODULE);
    expect(second.attempt).toBe('2');
    expect(second.html).toContain('Attempts left: 4');
    const result = await agent.post(quizUrl(SECOND, FULL_MODULE)).type('form').send(answersFor(second, WRONG)).expect(200);
    expect(result.text).toMatch(/You can try again in (9|10) min/);
    expect(result.text).toContain('Attempts left: 3');
  });

  it('lets a trainer of the course grant one more attempt, audited; not a learner nor a trainer of another course', async () => {
    const { agent, id } = await learner(ONE_TRY);
    const form = await openQuizForm(agent, ONE_TRY, FULL_MODULE);
    await agent.post(quizUrl(ONE_TRY, FULL_MODULE)).type('form').send(answersFor(form, WRONG)).expect(200);
    expect((await agent.get(quizUrl(ONE_TRY, FULL_MODULE)).expect(200)).text).toContain('ask a trainer');

    const pageUrl = `/reports/courses/${ONE_TRY}/learners/${id}/quiz-attempts`;
    const grantUrl = `${pageUrl}/${FULL_MODULE}/grant`;
    // The learner cannot grant themselves an attempt, nor see the page.
    await agent.get(pageUrl).expect(403);
    await agent
      .post(grantUrl)
      .type('form')
      .send({ _csrf: await tokenFor(agent, '/account') })
      .expect(403);
    const stranger = await person('trainer');
    await assignTrainer(LIMITED, stranger.id);
    await stranger.agent.get(pageUrl).expect(403);
    await stranger.agent
      .post(grantUrl)
      .type('form')
      .send({ _csrf: await tokenFor(stranger.agent, '/account') })
      .expect(403);
    expect(await QuizRecord.countDocuments({ learnerId: new Types.ObjectId(id), kind: 'grant' })).toBe(0);

    const trainer = await person('trainer');
    await assignTrainer(ONE_TRY, trainer.id);
    const page = await trainer.agent.get(pageUrl).expect(200);
    expect(page.text).toContain('Grant one more attempt');
    const csrf = await tokenFor(trainer.agent, pageUrl);
    const granted = await trainer.agent.post(grantUrl).type('form').send({ _csrf: csrf }).expect(303);
    expect(granted.headers.location).toBe(`${pageUrl}?notice=granted`);
    // A double click grants once.
    const again = await trainer.agent.post(grantUrl).type('form').send({ _csrf: csrf }).expect(303);
    expect(again.headers.location).toBe(`${pageUrl}?notice=already`);
    const audit = await AuditEntry.find({ action: 'quiz.grantAttempt', targetId: id }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: trainer.id, targetType: 'user' });
    expect(audit[0]!.after).toMatchObject({ courseSlug: ONE_TRY, moduleSlug: FULL_MODULE, attemptsAllowed: 2 });

    const reopened = await openQuizForm(agent, ONE_TRY, FULL_MODULE);
    expect(reopened.attempt).toBe('2');
    expect(reopened.html).toContain('Attempts left: 1');
    await agent.post(quizUrl(ONE_TRY, FULL_MODULE)).type('form').send(answersFor(reopened, WRONG)).expect(200);
    await agent.get(quizUrl(ONE_TRY, FULL_MODULE)).expect(200);
    expect(await QuizAttempt.countDocuments({ learnerId: new Types.ObjectId(id) })).toBe(2);

    // An admin may grant too (after the extra attempt was used, a new grant is a new one).
    const admin = await person('admin');
    await admin.agent
      .post(grantUrl)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: await tokenFor(admin.agent, pageUrl) })
      .expect(200, { outcome: 'granted' });
    expect(await AuditEntry.countDocuments({ action: 'quiz.grantAttempt', targetId: id })).toBe(2);
  });

  it('answers 404 for a learner who is not in the course (no enumeration)', async () => {
    const trainer = await person('trainer');
    await assignTrainer(ONE_TRY, trainer.id);
    const outsider = await person();
    const pageUrl = `/reports/courses/${ONE_TRY}/learners/${outsider.id}/quiz-attempts`;
    await trainer.agent.get(pageUrl).expect(404);
    await trainer.agent.get(`/reports/courses/${ONE_TRY}/learners/${new Types.ObjectId().toHexString()}/quiz-attempts`).expect(404);
    await trainer.agent
      .post(`${pageUrl}/${FULL_MODULE}/grant`)
      .type('form')
      .send({ _csrf: await tokenFor(trainer.agent, '/account') })
      .expect(404);
  });
});
