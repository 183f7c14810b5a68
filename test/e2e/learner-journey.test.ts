/**
 * A person's journeys through the real app in Chromium: a learner registers in the Chinese UI, confirms by mail,
 * enrols, reads, fails then passes the quizzes, completes the course and downloads the certificate; a stranger
 * checks that certificate by its code and by its QR code; then an admin revokes it and the public page says so.
 * The tests run in order and share the server, the browser and what earlier steps did.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeQrInPdf, pdfText } from '../integration/certificates.helpers';
import { waitForMail, linkIn } from '../support/agents';
import { createAccount, signIn } from './support/accounts';
import { launchBrowser, screenshot } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}\b/;

describe('learner journey in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let learner: BrowserContext;
  /** What the learner's certificate says about itself, read from the downloaded PDF. */
  const certificate = { code: '', qrUrl: '', serial: '' };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('learner'), launchBrowser()]);
    learner = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function answerQuiz(page: Page, choice: 'a' | 'b', truth: 'true' | 'false') {
    await page
      .locator('input[type=radio][value="' + choice + '"]')
      .first()
      .check();
    await page
      .locator('input[type=radio][value="' + truth + '"]')
      .first()
      .check();
    await page.getByRole('button', { name: '提交答案' }).click();
  }

  /** The verdict page's banner heading and the holder row, as a stranger sees them. */
  async function verdictOf(page: Page): Promise<{ status: string | null; heading: string; holder: string }> {
    const banner = page.locator('main .result-banner[data-status]');
    const holderRow = page.locator('main dl.certificate-details dt', { hasText: /^(Holder|持有人)$/ });
    return {
      status: await banner.getAttribute('data-status'),
      heading: (await banner.getByRole('heading').innerText()).trim(),
      holder: (await holderRow.locator('xpath=following-sibling::dd[1]').innerText()).trim(),
    };
  }

  it('registers in Chinese, enrols, reads, fails then passes, and completes the course', async () => {
    const page = await learner.newPage();
    await page.goto(`${app.base}/?lang=zh-CN`);
    // On a phone the header's links are in its menu.
    await page.locator('summary.site-menu-button').click();
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
    await page.close();
  });

  it('downloads the certificate PDF from the dashboard', async () => {
    const page = await learner.newPage();
    // The certificate is issued in the background after completion: the dashboard says "being prepared" until then.
    const link = page.getByRole('link', { name: '下载证书（PDF）' });
    for (let tries = 0; ; tries += 1) {
      await page.goto(`${app.base}/dashboard`);
      if ((await link.count()) > 0 || tries >= 20) break;
      await page.waitForTimeout(250);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const pdf = readFileSync(path);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10 * 1024);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    certificate.serial = download.suggestedFilename().replace(/\.pdf$/, '');

    const text = await pdfText(pdf);
    certificate.code = CODE.exec(text)?.[0] ?? '';
    expect(certificate.code).not.toBe('');
    expect(text).toContain('张伟');
    certificate.qrUrl = decodeQrInPdf(pdf) ?? '';
    expect(certificate.qrUrl).toBe(`${app.base}/verify/${certificate.code}`);
    await page.close();
  });

  it('lets a stranger check the certificate by typing its code, and by its QR code', async () => {
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await stranger.newPage();
    await page.goto(`${app.base}/verify`);
    // Typed as a person copies it from paper: lower case, without the dashes.
    await page.getByLabel('Verification code').fill(certificate.code.replace(/-/g, '').toLowerCase());
    await page.getByRole('button', { name: 'Check code' }).click();
    await page.waitForURL(`${app.base}/verify/${certificate.code}`);
    expect(await verdictOf(page)).toEqual({ status: 'valid', heading: 'Valid certificate', holder: '张伟' });
    expect(await page.locator('main dl.certificate-details').innerText()).toContain('Valid');
    await screenshot(page, 'verify-valid-1280');

    const scanned = await stranger.newPage();
    await scanned.setViewportSize({ width: 360, height: 740 });
    await scanned.goto(certificate.qrUrl);
    expect(await verdictOf(scanned)).toEqual({ status: 'valid', heading: 'Valid certificate', holder: '张伟' });
    await screenshot(scanned, 'verify-valid-qr-360');
    await stranger.close();
  });

  it('lets an admin revoke the certificate, after which the public page and its JSON say revoked', async () => {
    const admin = await createAccount(app, { name: 'Admin Zhou', email: 'admin.zhou@example.org', role: 'admin' });
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await adminContext.newPage();
    await signIn(page, app.base, admin);
    await page.goto(`${app.base}/admin/certificates`);
    await page.getByLabel('Search by serial number, verification code or holder name').fill(certificate.code);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: certificate.serial }).click();
    await page.getByRole('heading', { level: 1, name: certificate.serial }).waitFor();
    await page.getByLabel('Reason', { exact: true }).selectOption({ label: 'Issued in error' });
    await page.getByLabel('Note for administrators').fill('Completed on a test account.');
    await page.getByRole('button', { name: 'Revoke certificate' }).click();
    await page.waitForURL(/notice=revoked/);
    await page.getByRole('status').filter({ hasText: 'The certificate was revoked.' }).waitFor();
    await screenshot(page, 'admin-certificate-revoked-1280');
    await adminContext.close();

    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const verdictPage = await stranger.newPage();
    await verdictPage.goto(certificate.qrUrl);
    expect(await verdictOf(verdictPage)).toEqual({ status: 'revoked', heading: 'Revoked certificate', holder: '张伟' });
    const details = await verdictPage.locator('main dl.certificate-details').innerText();
    expect(details).toContain('Revoked');
    expect(details).toContain('Issued in error');
    expect(details).not.toContain('test account');
    await screenshot(verdictPage, 'verify-revoked-1280');

    const json = await stranger.request.get(certificate.qrUrl, { headers: { Accept: 'application/json' } });
    expect(json.status()).toBe(200);
    expect(await json.json()).toMatchObject({
      status: 'revoked',
      holder: '张伟',
      revocationReason: 'issued-in-error',
      serial: certificate.serial,
    });
    await stranger.close();

    // The learner no longer gets a download for a revoked certificate.
    const learnerPage = await learner.newPage();
    await learnerPage.goto(`${app.base}/dashboard`);
    expect(await learnerPage.getByRole('link', { name: '下载证书（PDF）' }).count()).toBe(0);
    const gone = await learner.request.get(`${app.base}/certificates/${certificate.serial}.pdf`);
    expect(gone.status()).toBe(410);
  });
});
