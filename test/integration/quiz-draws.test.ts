/**
 * Question pools: each attempt draws `draw` questions of the pool and shuffles their options (fixed ones stay), the
 * draw is stored when the quiz page opens, so reloads and double submits see and grade the same set, and grading
 * uses the drawn questions only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { importCourses } from '../../src/courses/course-importer';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { QuizRecord } from '../../src/learning/quiz-record.model';
import { signedInUser } from '../support/learners';
import {
  answersFor,
  DRAW_MODULE,
  enrolIn,
  FULL_MODULE,
  openQuizForm,
  quizUrl,
  RIGHT,
  WRONG,
  writeQuizCourse,
} from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';

const COURSE = 'pool-draws';
/** Unlimited attempts without a wait, so one learner can take many. */
const FREE = 'pool-free';

describe('quiz draws', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let n = 0;
  const learner = async (course = COURSE) => {
    const user = await signedInUser(test.app, { name: 'Drawer', email: `drawer${(n += 1)}@example.org` });
    await enrolIn(user.agent, course);
    return user;
  };

  beforeAll(async () => {
    test = await startTestApp('quiz_draws');
    await importCourses(writeQuizCourse(COURSE));
    await importCourses(writeQuizCourse(FREE, { maxQuizAttempts: 0, retakeAfterMinutes: 0 }));
  });
  afterAll(() => test.close());

  it('stores the draw when the page opens: a reload shows the same questions and option order', async () => {
    const { agent, id } = await learner();
    const first = await openQuizForm(agent, COURSE, DRAW_MODULE);
    expect(first.questionIds).toHaveLength(2);
    expect(first.attempt).toBe('1');
    const optionOrder = (html: string) => [...html.matchAll(/id="q-([a-z0-9-]+-[a-z0-9]+)"/g)].map((match) => match[1]);
    for (let reload = 0; reload < 3; reload += 1) {
      const again = await openQuizForm(agent, COURSE, DRAW_MODULE);
      expect(again.questionIds).toEqual(first.questionIds);
      expect(optionOrder(again.html)).toEqual(optionOrder(first.html));
    }
    const draws = await QuizRecord.find({ learnerId: new Types.ObjectId(id), kind: 'draw' }).lean();
    expect(draws).toHaveLength(1);
    expect(draws[0]!.questions!.map((question) => question.id)).toEqual(first.questionIds);
  });

  it('stores one draw when ten tabs open the quiz at once: every page shows it', async () => {
    const { agent, id } = await learner();
    const pages = await Promise.all(Array.from({ length: 10 }, () => openQuizForm(agent, COURSE, DRAW_MODULE)));
    const draws = await QuizRecord.find({ learnerId: new Types.ObjectId(id), kind: 'draw' }).lean();
    expect(draws).toHaveLength(1);
    for (const page of pages) expect(page.questionIds).toEqual(draws[0]!.questions!.map((question) => question.id));
  });

  it('grades a double submit once, against the drawn questions only', async () => {
    const { agent, id } = await learner();
    const form = await openQuizForm(agent, COURSE, DRAW_MODULE);
    // Answers to questions that were not drawn are ignored, not graded.
    const fields = { ...answersFor(form, RIGHT), q_p1: RIGHT.p1!, q_p2: RIGHT.p2!, q_p3: RIGHT.p3!, q_p4: RIGHT.p4! };
    const responses = await Promise.all(
      [1, 2, 3].map(() => agent.post(quizUrl(COURSE, DRAW_MODULE)).set('Accept', 'application/json').type('form').send(fields)),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(responses.filter((response) => response.body.isNew)).toHaveLength(1);
    const attempts = await QuizAttempt.find({ learnerId: new Types.ObjectId(id) }).lean();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.answers.map((answer) => answer.questionId)).toEqual(form.questionIds);
    expect(attempts[0]!.score).toBe(100);
    // A second form of the same attempt (another tab) gets the stored attempt back, not a second attempt.
    const other = await agent
      .post(quizUrl(COURSE, DRAW_MODULE))
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...answersFor(form, WRONG), submissionKey: 'another-tab-key-0123456789' })
      .expect(200);
    expect(other.body).toMatchObject({ attemptNumber: 1, isNew: false, score: 100 });
    expect(await QuizAttempt.countDocuments({ learnerId: new Types.ObjectId(id) })).toBe(1);
  });

  it('refuses a drawing quiz submitted without opening it (no stored draw), and a form from the future', async () => {
    const { agent } = await learner();
    const page = await agent.get(`/courses/${COURSE}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const fields = { _csrf: csrf, submissionKey: 'no-draw-submission-0123', q_p1: 'a', q_p2: 'd' };
    await agent.post(quizUrl(COURSE, DRAW_MODULE)).set('Accept', 'application/json').type('form').send(fields).expect(409);
    await agent
      .post(quizUrl(COURSE, DRAW_MODULE))
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...fields, attempt: '7' })
      .expect(409);
    await agent
      .post(quizUrl(COURSE, DRAW_MODULE))
      .type('form')
      .send({ ...fields, attempt: 'x' })
      .expect(400);
  });

  it('draws a different set for consecutive attempts: pool of 2N, 50 attempts, under 10% identical pairs', async () => {
    const { agent } = await learner(FREE);
    const sets: string[] = [];
    const fixedAt: number[] = [];
    const firstOptions = new Set<string>();
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const form = await openQuizForm(agent, FREE, DRAW_MODULE);
      expect(form.attempt).toBe(String(attempt + 1));
      sets.push([...form.questionIds].sort().join(','));
      if (form.questionIds.includes('p2')) {
        const order = [...form.html.matchAll(/id="q-p2-([a-d])"/g)].map((match) => match[1]!);
        fixedAt.push(order.indexOf('d'));
        firstOptions.add(order[0]!);
      }
      await agent.post(quizUrl(FREE, DRAW_MODULE)).set('Accept', 'application/json').type('form').send(answersFor(form, WRONG)).expect(200);
    }
    const identical = sets.slice(1).filter((set, i) => set === sets[i]).length;
    console.log(`[quiz draws] ${identical} of 49 consecutive pairs identical; ${new Set(sets).size} distinct sets`);
    expect(identical / 49).toBeLessThan(0.1);
    expect(new Set(sets).size).toBeGreaterThanOrEqual(4);
    // The fixed "all of the above" option keeps its written place (last); the others move.
    expect(fixedAt.length).toBeGreaterThan(5);
    expect(new Set(fixedAt)).toEqual(new Set([3]));
    expect(firstOptions.size).toBeGreaterThan(1);
  });

  it('draws again when a course update removed every question of a stored draw', async () => {
    const slug = 'pool-renamed';
    await importCourses(writeQuizCourse(slug));
    const { agent, id } = await learner(slug);
    const before = await openQuizForm(agent, slug, DRAW_MODULE);
    expect(before.questionIds.every((question) => /^p\d$/.test(question))).toBe(true);
    // Version 2 renames every question of the pool (p1..p4 become r1..r4).
    const root = writeQuizCourse(slug);
    const quizFile = path.join(root, slug, '01-drawing.quiz.yaml');
    writeFileSync(quizFile, readFileSync(quizFile, 'utf8').replace(/id: p(\d)/g, 'id: r$1'));
    await importCourses(root);
    const after = await openQuizForm(agent, slug, DRAW_MODULE);
    expect(after.attempt).toBe('1');
    expect(after.questionIds.every((question) => /^r\d$/.test(question))).toBe(true);
    const draws = await QuizRecord.find({ learnerId: new Types.ObjectId(id), kind: 'draw' }).lean();
    expect(draws.map((draw) => draw.courseVersion).sort()).toEqual([1, 2]);
    const right = Object.fromEntries(Object.entries(RIGHT).map(([question, choice]) => [question.replace('p', 'r'), choice]));
    const graded = await agent
      .post(quizUrl(slug, DRAW_MODULE))
      .set('Accept', 'application/json')
      .type('form')
      .send(answersFor(after, right));
    expect(graded.body).toMatchObject({ score: 100, attemptNumber: 1 });
  });

  it('asks every question of a quiz without draw', async () => {
    const { agent } = await learner();
    const form = await openQuizForm(agent, COURSE, FULL_MODULE);
    expect([...form.questionIds].sort()).toEqual(['s1', 's2']);
  });
});
