/**
 * A certificate's public verification says how it was earned: the assessment terms of the course version it was
 * issued for (pass mark, questions drawn from each pool, attempt limit, wait), in HTML and JSON, and nothing of
 * the learner's answers.
 */
import request from 'supertest';
import { importCourses } from '../../src/courses/course-importer';
import { Certificate } from '../../src/certificates/certificate.model';
import { signedInUser } from '../support/learners';
import { answersFor, DRAW_MODULE, enrolIn, FULL_MODULE, openQuizForm, quizUrl, RIGHT, writeQuizCourse } from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/agents';

const COURSE = 'assessed-course';

describe('assessment terms on the verification page', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('quiz_certificate');
    await importCourses(writeQuizCourse(COURSE, { maxQuizAttempts: 5, retakeAfterMinutes: 10 }));
  });
  afterAll(() => test.close());

  it('shows pass mark, draw per module and in total, attempt limit and wait, and no answers', async () => {
    const { agent, id } = await signedInUser(test.app, { name: 'Earned It', email: 'earned@example.org' });
    await enrolIn(agent, COURSE);
    for (const module of [DRAW_MODULE, FULL_MODULE]) {
      const moduleUrl = `/courses/${COURSE}/modules/${module}`;
      await agent
        .post(`${moduleUrl}/complete`)
        .type('form')
        .send({ _csrf: await tokenFor(agent, moduleUrl) })
        .expect(303);
      const form = await openQuizForm(agent, COURSE, module);
      await agent.post(quizUrl(COURSE, module)).type('form').send(answersFor(form, RIGHT)).expect(200);
    }
    let certificate = await Certificate.findOne({ courseSlug: COURSE }).lean();
    for (let wait = 0; !certificate && wait < 50; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      certificate = await Certificate.findOne({ courseSlug: COURSE }).lean();
    }
    expect(certificate).toBeTruthy();
    expect(String(certificate!.learnerId)).toBe(id);

    const json = await request(test.app).get(`/verify/${certificate!.code}`).set('Accept', 'application/json').expect(200);
    expect(json.body.status).toBe('valid');
    expect(json.body.assessment).toEqual({
      completion: 'modules-and-quizzes',
      passMark: 100,
      quizzes: [
        { module: DRAW_MODULE, title: { en: 'Drawing questions', zh: '随机抽题' }, drawn: 2, pool: 4 },
        { module: FULL_MODULE, title: { en: 'Second module', zh: '第二单元' }, drawn: 2, pool: 2 },
      ],
      drawn: 4,
      pool: 6,
      maxAttempts: 5,
      retakeAfterMinutes: 10,
      retakeWaitFrom: 'first-failure',
      review: 'after-pass',
    });
    const answers = /OPT-|EXPLANATION|PROMPT-|"chosen"|"answers"/;
    expect(JSON.stringify(json.body)).not.toMatch(answers);

    const page = await request(test.app).get(`/verify/${certificate!.code}`).expect(200);
    for (const text of [
      'How this certificate was earned',
      'Pass mark for each module quiz: 100%',
      '4 questions drawn at random from a pool of 6, across 2 module quizzes',
      'Drawing questions: 2 of 4 questions',
      'Attempts allowed per quiz: 5',
      'Wait after a failed attempt: 10 min',
    ]) {
      expect(page.text).toContain(text);
    }
    expect(page.text).not.toMatch(answers);
    const zh = await request(test.app).get(`/verify/${certificate!.code}?lang=zh-CN`).expect(200);
    expect(zh.text).toContain('证书的获得方式');
    expect(zh.text).toContain('随机抽题：从 4 道题中抽取 2 道');
  });
});
