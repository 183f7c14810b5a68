/**
 * A person's journeys through the real app in Chromium: a learner registers in the Chinese UI, confirms by mail,
 * enrols, reads, fails then passes the quizzes, and completes the course.
 */
import type { Browser, Page } from 'playwright-core';
import { waitForMail, linkIn } from '../support/agents';
import { launchBrowser, screenshot } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

describe('learner journey in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('learner'), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function answerQuiz(page: Page, choice: 'a' | 'b', truth: 'true' | 'false') {
    await page.locator('input[type=radio][value="' + choice + '"]').first().check();
    await page.locator('input[type=radio][value="' + truth + '"]').first().check();
    await page.getByRole('button', { name: '提交答案' }).click();
  }

  it('registers in Chinese, enrols, reads, fails then passes, and completes the course', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${app.base}/?lang=zh-CN`);
    await page.getByRole('link', { name: '注册' }).first().click();
    await page.getByLabel('姓名').fill('张伟');
    await page.getByLabel('电子邮箱').fill('zhang.wei@example.org');
    await page.getByLabel('密码').fill('a long enough password 1');
    await page.getByRole('button', { name: /注册/ }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();

    const mail = await waitForMail(app.dataDir, 'zhang.wei@example.org', new Set(), 15000);
    await page.goto(app.base + linkIn(mail, '/register/confirm/'));
    await page.locator('main form button[type=submit]').click();
    await page.waitForURL(/\/dashboard/);
    await screenshot(page, 'dashboard-new-360');

    await page.goto(`${app.base}/courses/e2e-course`);
    await page.getByRole('button', { name: '报名（免费）' }).click();
    await page.getByText('已完成 0%').waitFor();

    for (const n of [1, 2]) {
      await page.goto(`${app.base}/courses/e2e-course/modules/module-${n}`);
      await page.getByRole('heading', { level: 1, name: `第 ${n} 单元` }).waitFor();
      await page.getByRole('button', { name: '将本单元标记为已完成' }).click();
      await page.waitForURL(new RegExp(`/modules/module-${n}/quiz$`));
      if (n === 1) {
        await answerQuiz(page, 'b', 'false');
        await page.getByText('尚未通过').waitFor();
        await screenshot(page, 'quiz-failed-360');
        await page.getByRole('link', { name: '重新测验' }).click();
      }
      await answerQuiz(page, 'a', 'true');
      await page.getByText('您已通过').waitFor();
    }
    await page.getByText('您已完成本课程！').waitFor();
    await page.goto(`${app.base}/dashboard`);
    await page.getByRole('heading', { name: '已完成的课程' }).waitFor();
    await screenshot(page, 'dashboard-completed-360');
    await context.close();
  });
});
