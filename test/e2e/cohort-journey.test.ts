/**
 * Cohorts in Chromium: a trainer creates a cohort; a learner using the Chinese UI on a phone joins it by link and
 * finds it on the dashboard; the trainer sees them in the roster and downloads the CSV; an invitation link opens.
 * Then axe-core checks every cohort page (list, new, new with errors, roster, reminders, join link as visitor and as
 * learner, invitation, the dashboard with its cohorts) in English and Chinese at 360 and 1280 px: no serious or
 * critical violation. Screenshot: test/artifacts/cohort-roster-360.png (the roster as a trainer sees it on a phone).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { linkIn, waitForMail } from '../support/agents';
import { createAccounts, signIn, type Account } from './support/accounts';
import { describeViolations, enableAxe, launchBrowser, screenshot, seriousAccessibilityViolations } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';
import { createCohortAsTrainer, dayFromToday } from './support/cohorts';

const NARROW = { width: 360, height: 740 };
const WIDE = { width: 1280, height: 900 };
const day = dayFromToday;
const withLang = (url: string, lang: string) => `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;

describe('cohort journey in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let trainerContext: BrowserContext;
  let learnerContext: BrowserContext;
  let visitorContext: BrowserContext;
  let trainerPage: Page;
  let learnerPage: Page;
  let trainer: Account;
  let learner: Account;
  let cohortPath = '';
  let joinUrl = '';
  let invitationPath = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('cohorts'), launchBrowser()]);
    [trainer, learner] = (await createAccounts(app, [
      { name: 'Chen Trainer', email: 'chen.trainer@example.org', role: 'trainer', courses: ['e2e-course', 'bid-writing'] },
      { name: '李娜', email: 'li.na@example.org', role: 'learner' },
    ])) as [Account, Account];
    const options = { bypassCSP: true, acceptDownloads: true };
    trainerContext = await browser.newContext({ ...options, viewport: WIDE, locale: 'en-GB' });
    learnerContext = await browser.newContext({ ...options, viewport: NARROW, locale: 'zh-CN' });
    visitorContext = await browser.newContext({ ...options, viewport: NARROW, locale: 'zh-CN' });
    await Promise.all([enableAxe(trainerContext), enableAxe(learnerContext), enableAxe(visitorContext)]);
    trainerPage = await trainerContext.newPage();
    learnerPage = await learnerContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a trainer creates a cohort; a learner in Chinese joins by link; the trainer sees them and exports the CSV', async () => {
    await signIn(trainerPage, app.base, trainer);
    ({ cohortPath, joinUrl } = await createCohortAsTrainer(trainerPage, app.base, 'Shanghai SMEs, spring', 'Fixture e2e-course'));
    expect(joinUrl).toMatch(/\/join\/[A-Za-z0-9_-]{22}$/);

    // The learner: Chinese interface, on a phone.
    await signIn(learnerPage, app.base, learner);
    await learnerPage.goto(withLang(joinUrl, 'zh-CN'));
    await learnerPage.getByRole('heading', { level: 1, name: '加入 Shanghai SMEs, spring' }).waitFor();
    await Promise.all([learnerPage.waitForURL(/\/dashboard$/), learnerPage.getByRole('button', { name: '加入学习小组' }).click()]);
    await learnerPage.getByRole('heading', { level: 2, name: '我的学习小组' }).waitFor();
    const cohorts = await learnerPage.locator('main section[aria-labelledby="cohorts-title"]').innerText();
    expect(cohorts).toContain('Shanghai SMEs, spring');
    expect(cohorts).toContain(`${day(0)} 至 ${day(60)}`);

    // The trainer's roster lists the learner; the CSV has them.
    await trainerPage.goto(`${app.base}${cohortPath}`);
    const roster = trainerPage.locator('main table.roster');
    await expect(roster.locator('tbody th[scope=row]').allInnerTexts()).resolves.toEqual([expect.stringContaining('李娜')]);
    expect(await roster.innerText()).toContain('li.na@example.org');
    const [download] = await Promise.all([
      trainerPage.waitForEvent('download'),
      trainerPage.getByRole('link', { name: 'Download the members as CSV (Excel)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFLearner,E-mail,Progress: Fixture e2e-course,')).toBe(true);
    expect(csv).toMatch(/\r\n李娜,li\.na@example\.org,0,0,[^,]*,no,,\r\n$/);

    // An invitation to an address without an account: its mail carries a link that opens the cohort.
    await trainerPage.locator('main textarea#emails').fill('new.supplier@example.org');
    await Promise.all([trainerPage.waitForURL(/done=invited/), trainerPage.getByRole('button', { name: 'Send invitations' }).click()]);
    expect(await trainerPage.locator('main [role=status]').innerText()).toContain('1 invited.');
    const mail = await waitForMail(app.dataDir, 'new.supplier@example.org', new Set());
    invitationPath = linkIn(mail, '/invitations/');

    const narrow = await browser.newContext({ bypassCSP: true, viewport: NARROW });
    const phone = await narrow.newPage();
    await signIn(phone, app.base, trainer);
    await phone.goto(`${app.base}${cohortPath}?lang=en`);
    await screenshot(phone, 'cohort-roster-360');
    await narrow.close();
  }, 120_000);

  it('axe finds no serious or critical issue on any cohort page, in both languages, at 360 and 1280 px', async () => {
    expect(cohortPath).not.toBe('');
    const visitorPage = await visitorContext.newPage();
    const pages: { name: string; page: Page; open: (lang: string) => Promise<unknown> }[] = [
      { name: 'cohort list', page: trainerPage, open: (lang) => trainerPage.goto(`${app.base}/cohorts?lang=${lang}`) },
      { name: 'new cohort', page: trainerPage, open: (lang) => trainerPage.goto(`${app.base}/cohorts/new?lang=${lang}`) },
      {
        name: 'new cohort with errors',
        page: trainerPage,
        open: async (lang) => {
          await trainerPage.goto(`${app.base}/cohorts/new?lang=${lang}`);
          await trainerPage.locator('main input#startsOn').fill('2026-02-30');
          await Promise.all([trainerPage.waitForNavigation(), trainerPage.locator('main form button[type=submit]').click()]);
          await trainerPage.locator('.error-summary').waitFor();
        },
      },
      { name: 'roster', page: trainerPage, open: (lang) => trainerPage.goto(`${app.base}${cohortPath}?lang=${lang}`) },
      {
        name: 'roster with invitation error',
        page: trainerPage,
        open: async (lang) => {
          await trainerPage.goto(`${app.base}${cohortPath}?lang=${lang}`);
          await trainerPage.locator('main textarea#emails').fill('broken@');
          await Promise.all([trainerPage.waitForNavigation(), trainerPage.locator('main form[action$="/invite"] button').click()]);
          await trainerPage.locator('#emails-error').waitFor();
        },
      },
      { name: 'reminders', page: trainerPage, open: (lang) => trainerPage.goto(`${app.base}${cohortPath}/reminders?lang=${lang}`) },
      { name: 'join link (visitor)', page: visitorPage, open: (lang) => visitorPage.goto(withLang(joinUrl, lang)) },
      { name: 'join link (member)', page: learnerPage, open: (lang) => learnerPage.goto(withLang(joinUrl, lang)) },
      { name: 'invitation (visitor)', page: visitorPage, open: (lang) => visitorPage.goto(withLang(`${app.base}${invitationPath}`, lang)) },
      {
        name: 'invitation (signed in)',
        page: learnerPage,
        open: (lang) => learnerPage.goto(withLang(`${app.base}${invitationPath}`, lang)),
      },
      { name: 'dashboard with cohorts', page: learnerPage, open: (lang) => learnerPage.goto(`${app.base}/dashboard?lang=${lang}`) },
    ];
    const found: string[] = [];
    let checked = 0;
    for (const viewport of [NARROW, WIDE]) {
      for (const { page } of pages) await page.setViewportSize(viewport);
      for (const lang of ['en', 'zh-CN']) {
        for (const { name, page, open } of pages) {
          await open(lang);
          expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh-CN' ? 'zh-Hans' : 'en');
          const violations = await seriousAccessibilityViolations(page);
          checked += 1;
          if (violations.length) found.push(`${name} ${lang} ${viewport.width}px: ${describeViolations(violations)}`);
        }
      }
    }
    expect(checked).toBe(pages.length * 4);
    expect(found).toEqual([]);
  }, 300_000);
});
