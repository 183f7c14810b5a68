/**
 * A learner fails a quiz and sees, for each miss, a link to the module section that teaches it but no answer and
 * no explanation; waits out the (shortened, one-minute) wait after a failed attempt; passes; then sees the correct
 * answers and explanations. axe-core checks the quiz page (form and wait notice) and both result pages in English
 * and Chinese at 360 and 1280 px.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount, signIn } from './support/accounts';
import { describeViolations, enableAxe, launchBrowser, screenshot, seriousAccessibilityViolations } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';
import { RIGHT, WRONG, writeQuizCourse } from '../support/quiz-fixtures';

const COURSE = 'quiz-review-e2e';
const QUIZ = `/courses/${COURSE}/modules/drawing/quiz`;
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 360, height: 740 },
];

describe('quiz review in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const checked: string[] = [];
  let learnerId = '';

  beforeAll(async () => {
    const course = path.join(
      writeQuizCourse(COURSE, { maxQuizAttempts: 5, retakeAfterMinutes: 1, retakeWaitFrom: 'first-failure' }),
      COURSE,
    );
    [app, browser] = await Promise.all([startE2eServer('quiz_review', [course]), launchBrowser()]);
    const learner = await createAccount(app, { name: 'Quiz Reviewer', email: 'quiz.reviewer@example.org', role: 'learner' });
    learnerId = learner.id;
    context = await browser.newContext({ viewport: WIDTHS[0], bypassCSP: true });
    await enableAxe(context);
    page = await context.newPage();
    await signIn(page, app.base, learner);
    await page.goto(`${app.base}/courses/${COURSE}?lang=en`);
    await page.getByRole('button', { name: 'Enrol (free)' }).click();
    await page.waitForURL(/enrolled=1/);
  }, 120_000);
  afterAll(async () => {
    console.log(`[quiz review a11y] ${checked.join('; ')}`);
    await browser?.close();
    await app?.stop();
  });

  /** axe at both widths on the page as it is (no reload: the result pages are answers to a POST). */
  async function checkAccessibility(name: string): Promise<void> {
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      const violations = await seriousAccessibilityViolations(page);
      expect(describeViolations(violations)).toBe('');
      checked.push(`${name}@${size.width}: ${violations.length}`);
    }
    await screenshot(page, `quiz-review-${name}-360`);
    await page.setViewportSize(WIDTHS[0]!);
  }

  /** Opens the quiz page in `lang` and checks it in both widths. */
  async function openQuiz(lang: 'en' | 'zh-CN', name: string): Promise<void> {
    await page.goto(`${app.base}${QUIZ}?lang=${lang}`);
    await checkAccessibility(`${name}-${lang}`);
  }

  /** Answers every shown question from `choices`, submits, and returns the form's fields (to send them again). */
  async function answer(choices: Record<string, string>): Promise<[string, string][]> {
    const names = await page
      .locator('form.quiz input[type=radio]')
      .evaluateAll((inputs) => [...new Set(inputs.map((input) => (input as unknown as { name: string }).name))]);
    expect(names).toHaveLength(2);
    for (const name of names) await page.locator(`input[name="${name}"][value="${choices[name.slice(2)]}"]`).check();
    const fields = await page.locator('form.quiz').evaluate((form) => {
      const data = new (globalThis as unknown as { FormData: new (form: unknown) => Iterable<[string, string]> }).FormData(form);
      return [...data].map(([key, value]) => [key, String(value)] as [string, string]);
    });
    await Promise.all([page.waitForURL(`${app.base}${QUIZ}`), page.locator('form.quiz button[type=submit]').click()]);
    return fields;
  }

  /** The same form again, with the page in `lang`: the server answers with the stored attempt (a double submit). */
  async function resubmit(fields: [string, string][], lang: 'en' | 'zh-CN'): Promise<void> {
    await page.goto(`${app.base}/courses/${COURSE}?lang=${lang}`);
    await Promise.all([
      page.waitForURL(`${app.base}${QUIZ}`),
      page.evaluate(
        ({ action, entries }) => {
          const doc = (
            globalThis as unknown as {
              document: { createElement(tag: string): Record<string, unknown>; body: { append(node: unknown): void } };
            }
          ).document;
          const form = doc.createElement('form');
          Object.assign(form, { method: 'post', action });
          for (const [name, value] of entries) {
            const input = doc.createElement('input');
            Object.assign(input, { type: 'hidden', name, value });
            (form.append as (node: unknown) => void)(input);
          }
          doc.body.append(form);
          (form.submit as () => void)();
        },
        { action: QUIZ, entries: fields },
      ),
    ]);
  }

  it('fails, sees hints without answers, waits, passes and sees everything', async () => {
    await openQuiz('zh-CN', 'quiz-form');
    await openQuiz('en', 'quiz-form');
    const failed = await answer(WRONG);
    const main = page.locator('main');
    await expect(main.innerText()).resolves.toContain('Not passed yet');
    const text = await main.innerText();
    expect(text).not.toMatch(/EXPLANATION-|FEEDBACK-|Correct answer:/);
    const hints = await main.locator('p.hint a').evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href));
    expect(hints).toHaveLength(2);
    for (const href of hints) expect(href).toContain(`/courses/${COURSE}/modules/drawing`);
    expect(text).toMatch(/You can try again in 1 min/);
    await checkAccessibility('result-failed-en');
    await resubmit(failed, 'zh-CN');
    expect(await main.innerText()).toContain('尚未通过');
    expect(await main.innerText()).not.toMatch(/解析P|反馈P|正确答案：/);
    await checkAccessibility('result-failed-zh-CN');

    // A hint leads to the section it names, in the learner's language.
    const sectionHint = page.locator('main p.hint a[href*="#"]').first();
    if ((await sectionHint.count()) > 0) {
      const href = (await sectionHint.getAttribute('href'))!;
      await page.goto(app.base + href);
      await expect(page.locator(`#${href.split('#')[1]}`).isVisible()).resolves.toBe(true);
    }

    await openQuiz('en', 'quiz-wait');
    expect(await main.innerText()).toContain('Take a moment before your next attempt.');
    await openQuiz('zh-CN', 'quiz-wait');

    // Wait out the one-minute wait: the quiz form comes back.
    const started = Date.now();
    for (;;) {
      await page.goto(`${app.base}${QUIZ}?lang=en`);
      if ((await page.locator('form.quiz').count()) > 0) break;
      expect(Date.now() - started).toBeLessThan(90_000);
      await page.waitForTimeout(5000);
    }
    const passed = await answer(RIGHT);
    const passedText = await main.innerText();
    expect(passedText).toContain('You passed');
    expect(passedText).toContain('Correct answer:');
    expect(passedText).toMatch(/EXPLANATION-P\d[\s\S]*EXPLANATION-P\d/);
    await checkAccessibility('result-passed-en');
    await resubmit(passed, 'zh-CN');
    expect(await main.innerText()).toContain('正确答案：');
    await checkAccessibility('result-passed-zh-CN');
  }, 240_000);

  it("lets the course's trainer grant one more attempt from an accessible page", async () => {
    const trainer = await createAccount(app, {
      name: 'Quiz Trainer',
      email: 'quiz.trainer@example.org',
      role: 'trainer',
      courses: [COURSE],
    });
    const staff = await browser.newContext({ viewport: WIDTHS[0], bypassCSP: true });
    await enableAxe(staff);
    const learnerPage = page;
    page = await staff.newPage();
    try {
      await signIn(page, app.base, trainer);
      const url = `${app.base}/reports/courses/${COURSE}/learners/${learnerId}/quiz-attempts`;
      await page.goto(`${url}?lang=zh-CN`);
      await checkAccessibility('grant-page-zh-CN');
      await page.goto(`${url}?lang=en`);
      await checkAccessibility('grant-page-en');
      await Promise.all([
        page.waitForURL(/notice=granted/),
        page.getByRole('button', { name: /Grant one more attempt at the quiz of Drawing questions/ }).click(),
      ]);
      expect(await page.locator('main [role=status]').innerText()).toContain('One more attempt granted.');
      await checkAccessibility('grant-page-granted-en');
    } finally {
      await staff.close();
      page = learnerPage;
    }
  }, 120_000);
});
