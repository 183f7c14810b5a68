/**
 * The README's pictures, made by the real app in Chromium and committed under docs/images/: a module page of a
 * shipped course as a signed-in learner, the first page of a certificate PDF (rendered with poppler's pdftoppm), and
 * a course report as its trainer, with three learners' activity in it. Each file must stay under 200 KB.
 *
 * The certificate and the report use a small sample course (two modules, quiz answers `a` and `true`), so the
 * learners can complete it quickly; the module page is real bundled content.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFixtureCourse } from '../support/course-fixtures';
import { createAccounts, signIn, type Account } from './support/accounts';
import { launchBrowser } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

const IMAGES = path.resolve('docs', 'images');
const MAX_BYTES = 200 * 1024;
const SAMPLE = '/courses/sample-course';
const REAL_MODULE = '/courses/selling-to-the-un/modules/why-sell-to-the-un';
const VIEWPORT = { width: 1280, height: 860 };

describe('documentation screenshots', () => {
  let app: E2eServer;
  let browser: Browser;
  let courses: string;
  const contexts: BrowserContext[] = [];
  let learners: Account[];
  let trainer: Account;

  const submit = async (page: Page, form: string) => {
    await Promise.all([page.waitForLoadState('load'), page.locator(`${form} button[type=submit]`).first().click()]);
  };

  async function signedInPage(account: Account): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', colorScheme: 'light' });
    contexts.push(context);
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    await signIn(page, app.base, account);
    return page;
  }

  /** Enrols in the sample course, then completes (and passes the quiz of) its first `modules` modules. */
  async function study(page: Page, modules: number): Promise<void> {
    await page.goto(app.base + SAMPLE);
    await submit(page, `form[action="${SAMPLE}/enrol"]`);
    for (let n = 1; n <= modules; n += 1) {
      await page.goto(`${app.base}${SAMPLE}/modules/module-${n}`);
      await submit(page, `form[action$="/modules/module-${n}/complete"]`);
      await page.locator('input[type=radio][value="a"]').first().check();
      await page.locator('input[type=radio][value="true"]').first().check();
      await submit(page, 'form.quiz');
    }
  }

  beforeAll(async () => {
    courses = mkdtempSync(path.join(os.tmpdir(), 'pa-docs-courses-'));
    writeFixtureCourse({ slug: 'sample-course', modules: 2, passMark: 100, title: { en: 'Sample course', zh: '示例课程' }, root: courses });
    [app, browser] = await Promise.all([startE2eServer('docs', [path.join(courses, 'sample-course')]), launchBrowser()]);
    const accounts = await createAccounts(app, [
      { name: 'Chen Jing', email: 'chen.jing@example.org', role: 'learner' },
      { name: 'Amina Diallo', email: 'amina.diallo@example.org', role: 'learner' },
      { name: 'Nguyen Thi Lan', email: 'nguyen.lan@example.org', role: 'learner' },
      { name: 'Wang Fang', email: 'wang.fang@example.org', role: 'trainer', courses: ['sample-course'] },
    ]);
    learners = accounts.slice(0, 3);
    trainer = accounts[3]!;
    mkdirSync(IMAGES, { recursive: true });
  }, 120000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.stop();
    rmSync(courses, { recursive: true, force: true });
  });

  function expectSmallImage(file: string): void {
    const bytes = readFileSync(file);
    // The PNG signature, then a size a README can carry.
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(statSync(file).size).toBeLessThan(MAX_BYTES);
  }

  it('module page: a signed-in learner reading a module of a bundled course', async () => {
    const page = await signedInPage(learners[0]!);
    await page.goto(app.base + '/courses/selling-to-the-un');
    await submit(page, 'form[action="/courses/selling-to-the-un/enrol"]');
    await page.goto(app.base + REAL_MODULE);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const file = path.join(IMAGES, 'module-page.png');
    // 720 px of it: a page of text is the costliest PNG, and this keeps the file well under the limit.
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: VIEWPORT.width, height: 720 }, animations: 'disabled', caret: 'hide' });
    expectSmallImage(file);
  });

  it('certificate: the first page of the PDF a learner downloads', async () => {
    const page = await signedInPage(learners[1]!);
    await study(page, 2);
    // The certificate is issued in the background once the course is complete.
    const link = page.locator('main a[href$=".pdf"]').first();
    for (let tries = 0; tries < 40; tries += 1) {
      await page.goto(`${app.base}/certificates`);
      if ((await link.count()) > 0) break;
      await page.waitForTimeout(250);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const work = mkdtempSync(path.join(os.tmpdir(), 'pa-docs-pdf-'));
    try {
      writeFileSync(path.join(work, 'certificate.pdf'), pdf);
      // 60 dpi: an A4 landscape page becomes about 700 × 500 pixels, sharp enough to read and well under 200 KB.
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', 'certificate.pdf', 'certificate'], { cwd: work });
      const file = path.join(IMAGES, 'certificate.png');
      writeFileSync(file, readFileSync(path.join(work, 'certificate.png')));
      expectSmallImage(file);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('report: the sample course report as its trainer, after three learners worked in it', async () => {
    const [first, third] = await Promise.all([signedInPage(learners[0]!), signedInPage(learners[2]!)]);
    await Promise.all([study(first, 1), study(third, 0)]);
    // The trainer opens the report for the first time now, so its first build counts all the activity above.
    const page = await signedInPage(trainer);
    for (let tries = 0; tries < 40; tries += 1) {
      const response = await page.goto(app.base + '/reports/courses/sample-course');
      if (response?.status() === 200) break;
      await page.waitForTimeout(500);
    }
    // A refresh may still be running in the background: wait until the page shows settled figures.
    const preparing = page.locator('main', { hasText: 'Newer figures are being prepared' });
    for (let tries = 0; tries < 40 && (await preparing.count()) > 0; tries += 1) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    // The funnel with its chart and what follows, rather than the date filter at the top of the page.
    await page.locator('#funnel-title').waitFor();
    const funnel = await page.locator('section[aria-labelledby="funnel-title"]').boundingBox();
    if (!funnel) throw new Error('the report has no funnel section');
    const file = path.join(IMAGES, 'report.png');
    await page.screenshot({
      path: file,
      fullPage: true,
      clip: { x: 0, y: Math.max(0, funnel.y - 24), width: VIEWPORT.width, height: VIEWPORT.height },
      animations: 'disabled',
      caret: 'hide',
    });
    expectSmallImage(file);
  });
});
