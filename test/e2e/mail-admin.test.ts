/**
 * The failed-mail page (/admin/mail) with a failure on it, in English and Chinese, at 1280 and 360 px: axe-core finds
 * no serious or critical violation, and the page shows the masked recipient, never the body.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { connectDatabase } from '../../src/db/connection';
import { MailFailure } from '../../src/mail/outbox.model';
import { createAccount, signIn } from './support/accounts';
import { describeViolations, enableAxe, launchBrowser, screenshot, seriousAccessibilityViolations } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

describe('failed-mail page in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('mail-admin'), launchBrowser()]);
    const admin = await createAccount(app, { name: 'Admin Mail', email: 'admin.mail@example.org', role: 'admin' });
    const connection = await connectDatabase(app.uri);
    try {
      await MailFailure.create({
        _id: new Types.ObjectId(),
        to: 'trainee.person@example.org',
        subject: '邀请您加入学习小组 Spring',
        category: 'cohort-invitation',
        cohortId: 'cohort-spring',
        attempts: 6,
        lastError: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:2525',
        createdAt: new Date(),
        failedAt: new Date(),
      });
    } finally {
      await connection.close();
    }
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await enableAxe(context);
    page = await context.newPage();
    await signIn(page, app.base, admin);
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it.each(['en', 'zh-CN'])(
    'is accessible in %s at both widths and masks the recipient',
    async (lang) => {
      await page.setViewportSize({ width: 1280, height: 900 });
      const response = await page.goto(`${app.base}/admin/mail?lang=${lang}`);
      expect(response?.status()).toBe(200);
      const text = await page.locator('main').innerText();
      expect(text).toContain('t***@example.org');
      expect(text).toContain('邀请您加入学习小组 Spring');
      expect(text).not.toContain('trainee.person');
      expect(text).toContain(lang === 'en' ? 'Mail that could not be delivered' : '未能送达的邮件');
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 800 });
        const violations = await seriousAccessibilityViolations(page);
        expect(describeViolations(violations)).toBe(describeViolations([]));
        await screenshot(page, `mail-admin-${lang}-${width}`);
      }
    },
    60000,
  );
});
