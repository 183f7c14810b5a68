/**
 * Review policy `after-pass`: a failed attempt says which answers were wrong and links to the module section that
 * teaches each, in the learner's language, but neither its page nor its JSON names a correct option, an explanation
 * or option feedback. Once the quiz is passed, or the attempts run out, everything is shown. `always` shows it all.
 */
import { importCourses } from '../../src/courses/course-importer';
import type { Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import {
  answersFor,
  DRAW_MODULE,
  enrolIn,
  openQuizForm,
  quizUrl,
  RIGHT,
  WRONG,
  writeQuizCourse,
  type QuizForm,
} from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';

const COURSE = 'review-after-pass';
const PRACTICE = 'review-always';
/** Heading slugs and texts of the fixture's module 1 (p4 has no section: its hint links to the module's top). */
const SECTIONS: Record<string, { slug?: string; en: string; zh: string }> = {
  p1: { slug: 'why-pools-matter', en: 'Why pools matter', zh: '为什么需要题库' },
  p2: { slug: 'options-and-order', en: 'Options and order', zh: '选项与顺序' },
  p3: { slug: 'reading-the-rules', en: 'Reading the rules', zh: '规则解读' },
  p4: { en: 'Drawing questions', zh: '随机抽题' },
};
const CORRECT_TEXT: Record<string, string[]> = { p1: ['OPT-P1-A'], p2: ['OPT-P2-D'], p3: [], p4: ['OPT-P4-B'] };

/** Anything that would give the answer away. */
const REVEALING = /EXPLANATION-|FEEDBACK-|解析P|反馈P|Correct answer:|正确答案：/;

describe('quiz review policy', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let n = 0;
  const learner = async (course: string) => {
    const user = await signedInUser(test.app, { name: 'Reviewer', email: `reviewer${(n += 1)}@example.org` });
    await enrolIn(user.agent, course);
    return user;
  };
  const submit = (agent: Agent, course: string, form: QuizForm, choices: Record<string, string>, json = false, lang = 'en') => {
    const request = agent.post(quizUrl(course, DRAW_MODULE)).set('Accept-Language', lang === 'zh' ? 'zh-CN' : 'en');
    return (json ? request.set('Accept', 'application/json') : request).type('form').send(answersFor(form, choices)).expect(200);
  };

  beforeAll(async () => {
    test = await startTestApp('quiz_review');
    await importCourses(writeQuizCourse(COURSE, { maxQuizAttempts: 3, retakeAfterMinutes: 0 }));
    await importCourses(writeQuizCourse(PRACTICE, { review: 'always', maxQuizAttempts: 0, retakeAfterMinutes: 0 }));
  });
  afterAll(() => test.close());

  it('gives every module ## heading the English slug as anchor, in both languages', async () => {
    const { agent } = await learner(COURSE);
    for (const lang of ['en', 'zh-CN']) {
      const page = await agent.get(`/courses/${COURSE}/modules/${DRAW_MODULE}?lang=${lang}`).expect(200);
      for (const slug of ['why-pools-matter', 'options-and-order', 'reading-the-rules']) expect(page.text).toContain(`id="${slug}"`);
    }
  });

  it('a failed attempt shows hints, never answers, explanations or feedback (HTML, both languages, and JSON)', async () => {
    const { agent } = await learner(COURSE);
    const form = await openQuizForm(agent, COURSE, DRAW_MODULE);
    const page = await submit(agent, COURSE, form, WRONG);
    expect(page.text).toContain('Not passed yet');
    expect(page.text).not.toMatch(REVEALING);
    for (const id of form.questionIds) {
      const section = SECTIONS[id]!;
      const href = `/courses/${COURSE}/modules/${DRAW_MODULE}${section.slug ? `#${section.slug}` : ''}`;
      expect(page.text).toContain(`href="${href}">${section.en}</a>`);
      for (const text of CORRECT_TEXT[id]!) expect(page.text).not.toContain(text);
    }

    // The same attempt again (a double submit) in Chinese: the same rule, headings in Chinese.
    const zh = await submit(agent, COURSE, form, WRONG, false, 'zh');
    expect(zh.text).not.toMatch(REVEALING);
    for (const id of form.questionIds) expect(zh.text).toContain(`>${SECTIONS[id]!.zh}</a>`);

    const json = await submit(agent, COURSE, form, WRONG, true);
    expect(json.body).toMatchObject({ passed: false, revealed: false, attemptsLeft: 2 });
    expect(JSON.stringify(json.body)).not.toMatch(REVEALING);
    for (const question of json.body.questions as Record<string, unknown>[]) {
      expect(question).not.toHaveProperty('answer');
      expect(question).not.toHaveProperty('explanation');
      expect(question).not.toHaveProperty('feedback');
      expect(question.chosen).toEqual([WRONG[question.id as string]]);
      expect(question.hint).toBeDefined();
    }
  });

  it('once passed, shows the correct options, explanations and feedback (HTML and JSON)', async () => {
    const { agent } = await learner(COURSE);
    await submit(agent, COURSE, await openQuizForm(agent, COURSE, DRAW_MODULE), WRONG);
    const form = await openQuizForm(agent, COURSE, DRAW_MODULE);
    expect(form.attempt).toBe('2');
    // Pass with p1 answered... all right (pass mark 100).
    const page = await submit(agent, COURSE, form, RIGHT);
    expect(page.text).toContain('You passed');
    for (const id of form.questionIds) expect(page.text).toContain(`EXPLANATION-${id.toUpperCase()}`);
    expect(page.text).toContain('Correct answer:');
    const json = await submit(agent, COURSE, form, RIGHT, true);
    expect(json.body.revealed).toBe(true);
    for (const question of json.body.questions as { id: string; answer: string[]; explanation: string }[]) {
      expect(question.answer).toEqual([RIGHT[question.id]]);
      expect(question.explanation).toBe(`EXPLANATION-${question.id.toUpperCase()}`);
    }
  });

  it('shows everything when the attempts run out, and option feedback with it', async () => {
    const { agent } = await learner(COURSE);
    let last = '';
    let lastForm: QuizForm | undefined;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      lastForm = await openQuizForm(agent, COURSE, DRAW_MODULE);
      last = (await submit(agent, COURSE, lastForm, WRONG)).text;
      if (attempt < 3) expect(last).not.toMatch(REVEALING);
    }
    expect(last).toContain('You have used all the attempts');
    expect(last).toMatch(/EXPLANATION-P\d/);
    expect(last).toContain('Correct answer:');
    if (lastForm!.questionIds.includes('p1')) expect(last).toContain('FEEDBACK-P1-B');
    const page = await agent.get(quizUrl(COURSE, DRAW_MODULE)).expect(200);
    expect(page.text).toContain('ask a trainer of this course');
    expect(page.text).not.toContain('name="submissionKey"');
  });

  it('review: always shows explanations after a failed attempt (practice courses)', async () => {
    const { agent } = await learner(PRACTICE);
    const form = await openQuizForm(agent, PRACTICE, DRAW_MODULE);
    const page = await submit(agent, PRACTICE, form, WRONG);
    expect(page.text).toContain('Not passed yet');
    expect(page.text).toMatch(/EXPLANATION-P\d/);
    expect(page.text).toContain('Correct answer:');
  });
});
