/**
 * The readiness check in Chromium, as a supplier using the Chinese UI on a phone: takes the check anonymously (partly
 * with the keyboard), sees the result, registers and confirms by mail in the same browser, finds the result kept and
 * saves it, downloads the bilingual action plan, and joins a trainer's cohort by its link; the trainer then sees them
 * in the roster and exports it as CSV (issue 16's journey, end to end). Then axe-core checks the form and the result page in both languages
 * at 360 and 1280 px. Screenshot: test/artifacts/readiness-result-zh-CN-360.png.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { linkIn, waitForMail } from '../support/agents';
import { describeViolations, enableAxe, launchBrowser, screenshot, seriousAccessibilityViolations } from './support/browser';
import { createAccounts, signIn } from './support/accounts';
import { startE2eServer, type E2eServer } from './support/app-server';
import { createCohortAsTrainer } from './support/cohorts';

describe('readiness journey in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('readiness'), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', bypassCSP: true, acceptDownloads: true });
    await enableAxe(context);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function expectNoSeriousViolations(what: string) {
    const violations = await seriousAccessibilityViolations(page);
    expect(`${what}: ${describeViolations(violations)}`).toBe(`${what}: ${describeViolations([])}`);
  }

  it('takes the check anonymously in Chinese, registers, keeps and saves the result, downloads the plan, joins a cohort; the trainer sees them', async () => {
    // A trainer's cohort, whose join link the supplier will be given.
    const [trainer] = await createAccounts(app, [
      { name: 'Wang Trainer', email: 'wang.trainer@example.org', role: 'trainer', courses: ['e2e-course'] },
    ]);
    const trainerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
    const trainerPage = await trainerContext.newPage();
    await signIn(trainerPage, app.base, trainer!);
    const { cohortPath, joinUrl } = await createCohortAsTrainer(trainerPage, app.base, 'Women-owned firms, autumn', 'Fixture e2e-course');

    await page.goto(`${app.base}/readiness?lang=zh-CN`);
    await page.getByRole('heading', { level: 1, name: '供应商准备度自测' }).waitFor();
    // The first question by keyboard: focus its first choice, arrow down to the next one (a radio group).
    const first = page.locator('fieldset.question').first();
    await first.locator('input[type=radio]').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await first.locator('input[type=radio]:checked').getAttribute('value')).toBe('basic');
    // Every other question: its first choice (the shipped file lists the best answer first, except a few).
    const questions = page.locator('fieldset.question');
    const count = await questions.count();
    expect(count).toBeGreaterThanOrEqual(20);
    for (let i = 1; i < count; i += 1) await questions.nth(i).locator('input[type=radio]').first().check();
    await page.getByRole('button', { name: '查看我的结果' }).focus();
    await Promise.all([page.waitForURL(/\/readiness\/result$/), page.keyboard.press('Enter')]);
    await page.getByRole('heading', { level: 1, name: '您的准备度结果' }).waitFor();
    expect(await page.locator('[data-level]').getAttribute('data-level')).toBeTruthy();
    await expect(page.getByText('在您登录之前，此结果只保存在本浏览器中。', { exact: false }).isVisible()).resolves.toBe(true);
    const areasBefore = await page.locator('table.readiness-areas tbody').innerText();
    await screenshot(page, 'readiness-result-zh-CN-360');
    await expectNoSeriousViolations('anonymous result zh-CN 360');

    // Registers from the result page, confirms through the mailed link in this browser.
    await page.getByRole('link', { name: '注册账户' }).click();
    await page.getByLabel('姓名').fill('陈静');
    await page.getByLabel('电子邮箱').fill('chen.jing@example.org');
    await page.getByLabel('密码').fill('a long enough password 1');
    await page.getByRole('button', { name: /注册/ }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const mail = await waitForMail(app.dataDir, 'chen.jing@example.org', new Set(), 15000);
    await page.goto(app.base + linkIn(mail, '/register/confirm/'));
    await Promise.all([page.waitForURL(/\/dashboard/), page.locator('main form button[type=submit]').click()]);

    // The result is still there, offered for saving; saved, it shows the same scores.
    await page.getByText('您有一个尚未保存的准备度结果。').waitFor();
    await Promise.all([page.waitForURL(/\/readiness\/result$/), page.getByRole('link', { name: '查看并保存' }).click()]);
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: '将此结果保存到我的账户' }).click()]);
    await page.getByText('您的结果已保存。', { exact: false }).waitFor();
    expect(await page.locator('table.readiness-areas tbody').innerText()).toBe(areasBefore);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /下载行动计划/ }).click()]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(stdout).toContain('Supplier readiness action plan');
    expect(stdout).toContain('供应商准备度行动计划');
    expect(stdout).toContain('为 陈静 编制');

    // The supplier joins the cohort by its link, in Chinese, and finds it on the dashboard.
    await page.goto(`${joinUrl}?lang=zh-CN`);
    await page.getByRole('heading', { level: 1, name: '加入 Women-owned firms, autumn' }).waitFor();
    await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: '加入学习小组' }).click()]);
    expect(await page.locator('main section[aria-labelledby="cohorts-title"]').innerText()).toContain('Women-owned firms, autumn');

    // The trainer sees them in the roster, with their readiness level, and in the CSV export.
    await trainerPage.goto(`${app.base}${cohortPath}`);
    const roster = trainerPage.locator('main table.roster');
    await expect(roster.locator('tbody th[scope=row]').allInnerTexts()).resolves.toEqual([expect.stringContaining('陈静')]);
    expect(await roster.innerText()).toContain('chen.jing@example.org');
    const [csvDownload] = await Promise.all([
      trainerPage.waitForEvent('download'),
      trainerPage.getByRole('link', { name: 'Download the members as CSV (Excel)' }).click(),
    ]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8');
    expect(csv).toMatch(/\r\n陈静,chen\.jing@example\.org,/);
    await trainerContext.close();
  }, 120_000);

  it('has no serious or critical accessibility issue on the form and the result, in both languages, at 360 and 1280 px', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
        await page.goto(`${app.base}/readiness?lang=${lang}`);
        await expectNoSeriousViolations(`/readiness ${lang} ${width}`);
        // The form with its error summary (an empty submission).
        await Promise.all([page.waitForLoadState('load'), page.locator('main form.readiness-form [type=submit]').click()]);
        await page.locator('.error-summary').waitFor();
        await expectNoSeriousViolations(`/readiness (errors) ${lang} ${width}`);
        await page.goto(`${app.base}/readiness/result?lang=${lang}`);
        await page.locator('[data-level]').waitFor();
        await expectNoSeriousViolations(`/readiness/result ${lang} ${width}`);
        // Nothing wider than the phone's screen.
        if (width === 360) expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      }
    }
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${app.base}/readiness/result?lang=en`);
    await screenshot(page, 'readiness-result-en-360');
  });
});
