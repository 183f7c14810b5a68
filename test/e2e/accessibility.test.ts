/**
 * Accessibility of every main page, in English and in Chinese, as the person who sees it (visitor, learner, trainer,
 * admin): axe-core must find no serious or critical violation, at 1280 px and at 360 px wide. Screenshots of the main
 * pages at both widths go to test/artifacts/ (a11y-<language>-<page>-<width>.png). Then keyboard use of a module page:
 * the skip link and a glossary term's definition.
 *
 * One server and one browser for the file; each role has one browser context, its language switched by the `lang`
 * cookie (what the language links set). The roles browse concurrently, which keeps the file short.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { createAccounts, signIn, type Account } from './support/accounts';
import {
  describeViolations,
  enableAxe,
  launchBrowser,
  screenshot,
  seriousAccessibilityViolations,
  type AxeViolation,
} from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

const ROLES = ['visitor', 'learner', 'trainer', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Locale = 'en' | 'zh-CN';

type PageCheck = {
  /** For test names and screenshot file names. */
  name: string;
  as: Role;
  /** Opens the page; returns the main navigation's response when there is one. */
  open: (page: Page, locale: Locale) => Promise<Response | null>;
  /** HTTP status the page answers with (200 unless said). */
  status?: number;
  /** Main pages get screenshots at both widths. */
  screenshot?: boolean;
};

type Outcome = { status: number | undefined; htmlLang: string | null; report: string };

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 360, height: 740 };
/** A bundled course with real content: glossary terms, callouts, references. */
const REAL_COURSE = '/courses/bid-writing';
const REAL_MODULE = `${REAL_COURSE}/modules/reading-a-solicitation`;
const E2E = '/courses/e2e-course';
const AUTHOR = '/author/courses/e2e-course';

describe('accessibility of the main pages', () => {
  let app: E2eServer;
  let browser: Browser;
  const contexts = {} as Record<Role, BrowserContext>;
  const pages = {} as Record<Role, Page>;
  const accounts = {} as Record<Exclude<Role, 'visitor'>, Account>;
  /** The learner's certificate, issued when the setup completes e2e-course. */
  const certificate = { serial: '', verifyPath: '' };
  /** Per page and language: the violations found (printed at the end, for the record). */
  const summary: string[] = [];

  const go = (path: string) => async (page: Page) => page.goto(app.base + path);
  const submit = async (page: Page, form: string) => {
    const [response] = await Promise.all([page.waitForNavigation(), page.locator(`main ${form} [type=submit]`).first().click()]);
    return response;
  };

  const checks: PageCheck[] = [
    { name: 'home', as: 'visitor', open: go('/'), screenshot: true },
    { name: 'courses', as: 'visitor', open: go('/courses'), screenshot: true },
    { name: 'course', as: 'visitor', open: go(REAL_COURSE), screenshot: true },
    { name: 'module', as: 'visitor', open: go(REAL_MODULE), screenshot: true },
    { name: 'login', as: 'visitor', open: go('/login'), screenshot: true },
    {
      name: 'login-failed',
      as: 'visitor',
      status: 401,
      open: async (page) => {
        await page.goto(`${app.base}/login`);
        await page.locator('main input#email').fill('nobody@example.org');
        await page.locator('main input#password').fill('not the password at all');
        return submit(page, 'form[action="/login"]');
      },
    },
    { name: 'register', as: 'visitor', open: go('/register'), screenshot: true },
    {
      name: 'register-errors',
      as: 'visitor',
      status: 400,
      open: async (page) => {
        await page.goto(`${app.base}/register`);
        return submit(page, 'form[action="/register"]');
      },
    },
    { name: 'verify', as: 'visitor', open: go('/verify'), screenshot: true },
    { name: 'verify-valid', as: 'visitor', open: async (page) => page.goto(app.base + certificate.verifyPath), screenshot: true },
    { name: 'verify-typo', as: 'visitor', status: 400, open: go('/verify?code=ABCD-EFGH') },
    { name: 'dashboard', as: 'learner', open: go('/dashboard'), screenshot: true },
    { name: 'account', as: 'learner', open: go('/account'), screenshot: true },
    { name: 'certificates', as: 'learner', open: go('/certificates'), screenshot: true },
    { name: 'course-enrolled', as: 'learner', open: go(E2E) },
    { name: 'module-enrolled', as: 'learner', open: go(`${E2E}/modules/module-1`) },
    { name: 'quiz', as: 'learner', open: go(`${E2E}/modules/module-1/quiz`), screenshot: true },
    {
      name: 'quiz-unanswered',
      as: 'learner',
      status: 422,
      open: async (page) => {
        await page.goto(`${app.base}${E2E}/modules/module-1/quiz`);
        return submit(page, 'form.quiz');
      },
    },
    {
      name: 'quiz-result',
      as: 'learner',
      screenshot: true,
      open: async (page) => {
        await page.goto(`${app.base}${E2E}/modules/module-1/quiz`);
        await page.locator('input[type=radio][value="b"]').first().check();
        await page.locator('input[type=radio][value="false"]').first().check();
        return submit(page, 'form.quiz');
      },
    },
    { name: 'author', as: 'trainer', open: go('/author'), screenshot: true },
    { name: 'author-course', as: 'trainer', open: go(AUTHOR), screenshot: true },
    {
      name: 'author-module-editor',
      as: 'trainer',
      open: async (page, locale) => page.goto(`${app.base}${AUTHOR}/modules/module-1/text/${locale === 'en' ? 'en' : 'zh'}`),
      screenshot: true,
    },
    {
      name: 'author-module-preview',
      as: 'trainer',
      open: async (page, locale) => {
        await page.goto(`${app.base}${AUTHOR}/modules/module-1/text/${locale === 'en' ? 'en' : 'zh'}`);
        await page
          .locator('#markdown')
          .fill('A paragraph.\n\n## A heading\n\n:::tip\nA tip.\n:::\n\n| Lot | Value |\n| --- | --- |\n| 1 | 10 |\n');
        const [response] = await Promise.all([page.waitForNavigation(), page.locator('main button[formaction$="/preview"]').click()]);
        return response;
      },
    },
    { name: 'author-quiz', as: 'trainer', open: go(`${AUTHOR}/modules/module-1/quiz`) },
    { name: 'reports', as: 'trainer', open: go('/reports'), screenshot: true },
    { name: 'report-course', as: 'trainer', open: go('/reports/courses/e2e-course'), screenshot: true },
    { name: 'admin', as: 'admin', open: go('/admin'), screenshot: true },
    { name: 'admin-users', as: 'admin', open: go('/admin/users') },
    { name: 'admin-courses', as: 'admin', open: go('/admin/courses') },
    { name: 'admin-audit', as: 'admin', open: go('/admin/audit') },
    { name: 'admin-certificates', as: 'admin', open: go('/admin/certificates'), screenshot: true },
    { name: 'admin-certificate', as: 'admin', open: async (page) => page.goto(`${app.base}/admin/certificates/${certificate.serial}`) },
  ];

  async function setLanguage(role: Role, locale: Locale): Promise<void> {
    await contexts[role].addCookies([{ name: 'lang', value: locale, url: app.base, httpOnly: true, sameSite: 'Lax' }]);
  }

  /** The learner enrols in e2e-course and passes both quizzes, so dashboards, certificates and reports have data. */
  async function completeE2eCourse(page: Page): Promise<void> {
    await page.goto(`${app.base}${E2E}`);
    await submit(page, `form[action="${E2E}/enrol"]`);
    for (const n of [1, 2]) {
      await page.goto(`${app.base}${E2E}/modules/module-${n}`);
      await submit(page, `form[action$="/modules/module-${n}/complete"]`);
      await page.locator('input[type=radio][value="a"]').first().check();
      await page.locator('input[type=radio][value="true"]').first().check();
      await submit(page, 'form.quiz');
    }
    // The certificate is issued in the background once the course is complete.
    for (let tries = 0; tries < 40 && !certificate.serial; tries += 1) {
      await page.goto(`${app.base}/certificates`);
      const verifyLink = page.locator('main a[href^="/verify/"]').first();
      if ((await verifyLink.count()) === 0) {
        await page.waitForTimeout(250);
        continue;
      }
      certificate.verifyPath = (await verifyLink.getAttribute('href')) ?? '';
      certificate.serial = /PA-\d{4}-\d+/.exec(await page.locator('main .card .meta').first().innerText())?.[0] ?? '';
    }
    if (!certificate.serial || !certificate.verifyPath) throw new Error('the learner got no certificate');
  }

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('a11y'), launchBrowser()]);
    const [learner, trainer, admin] = await createAccounts(app, [
      { name: '李娜', email: 'li.na@example.org', role: 'learner' },
      { name: 'Wang Fang', email: 'wang.fang@example.org', role: 'trainer', courses: ['e2e-course'] },
      { name: 'Admin Zhou', email: 'admin.zhou@example.org', role: 'admin' },
    ]);
    Object.assign(accounts, { learner, trainer, admin });
    await Promise.all(
      ROLES.map(async (role) => {
        // bypassCSP: axe-core is put into the pages by an init script, which the app's CSP would otherwise refuse.
        contexts[role] = await browser.newContext({ viewport: WIDE, bypassCSP: true });
        contexts[role].setDefaultTimeout(15000);
        await enableAxe(contexts[role]);
        pages[role] = await contexts[role].newPage();
        if (role !== 'visitor') await signIn(pages[role], app.base, accounts[role]);
        if (role === 'learner') await completeE2eCourse(pages[role]);
      }),
    );
  }, 120000);

  afterAll(async () => {
    if (summary.length) console.log(`axe-core, serious and critical violations per page (1280 and 360 px wide):\n${summary.join('\n')}`);
    await browser?.close();
    await app?.stop();
  });

  /** Opens one page as its role, checks it at both widths, and takes its screenshots. */
  async function runCheck(check: PageCheck, locale: Locale): Promise<Outcome> {
    const page = pages[check.as];
    await page.setViewportSize(WIDE);
    const response = await check.open(page, locale);
    const htmlLang = await page.locator('html').getAttribute('lang');
    const found: { width: number; violations: AxeViolation[] }[] = [];
    for (const viewport of [WIDE, NARROW]) {
      await page.setViewportSize(viewport);
      found.push({ width: viewport.width, violations: await seriousAccessibilityViolations(page) });
      if (check.screenshot) await screenshot(page, `a11y-${locale}-${check.name}-${viewport.width}`);
    }
    const report = found
      .filter((entry) => entry.violations.length)
      .map((entry) => `at ${entry.width} px:\n${describeViolations(entry.violations)}`)
      .join('\n');
    return { status: response?.status(), htmlLang, report };
  }

  describe.each(['en', 'zh-CN'] as const)('in %s', (locale) => {
    const outcomes = new Map<PageCheck, Outcome | { error: unknown }>();

    // The four people browse at the same time (each in their own context, one page after another); the tests
    // below then report page by page.
    beforeAll(async () => {
      await Promise.all(
        ROLES.map(async (role) => {
          await setLanguage(role, locale);
          for (const check of checks.filter((candidate) => candidate.as === role)) {
            outcomes.set(check, await runCheck(check, locale).catch((error: unknown) => ({ error })));
          }
        }),
      );
    }, 240000);

    it.each(checks.map((check) => [`${check.name} (${check.as})`, check] as const))(
      '%s has no serious or critical axe violation',
      (_label, check) => {
        const outcome = outcomes.get(check);
        if (!outcome) throw new Error('not checked');
        if ('error' in outcome) throw outcome.error;
        summary.push(`  ${locale} ${check.name} (${check.as}): ${outcome.report ? `\n${outcome.report.replace(/^/gm, '    ')}` : 'none'}`);
        expect(outcome.status).toBe(check.status ?? 200);
        expect(outcome.htmlLang).toBe(locale === 'en' ? 'en' : 'zh-Hans');
        // An accessibility bug in the app fails here, with every rule and element listed: fix the app, not this line.
        // Failing when written (app bugs, reported): label-content-name-mismatch on the header's account link, whose
        // aria-label "Your account (name)" does not start with its visible text (every signed-in page); and
        // scrollable-region-focusable on .table-wrap tables without links at 360 px (report course page, audit log).
        expect(outcome.report).toBe('');
      },
    );
  });

  describe('keyboard use of a module page', () => {
    let page: Page;
    beforeAll(async () => {
      await setLanguage('visitor', 'en');
      page = await contexts.visitor.newPage();
      await page.goto(app.base + REAL_MODULE);
    });
    afterAll(() => page.close());

    const focused = () =>
      page.evaluate(() => {
        const active = (
          globalThis as unknown as {
            document: { activeElement: { tagName: string; id: string; className: string; textContent: string | null } | null };
          }
        ).document.activeElement;
        return active
          ? {
              tag: active.tagName.toLowerCase(),
              id: active.id,
              className: String(active.className),
              text: (active.textContent ?? '').trim(),
            }
          : null;
      });

    it('makes the skip link the first Tab stop, visible when focused, and moves focus to main', async () => {
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ tag: 'a', className: 'skip-link', text: 'Skip to main content' });
      const box = await page.locator('a.skip-link').boundingBox();
      expect(box && box.width > 1 && box.height > 1 && box.y >= 0 && box.x >= 0).toBe(true);
      await screenshot(page, 'keyboard-skip-link-focused-1280');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#main$/);
      expect(await focused()).toMatchObject({ tag: 'main', id: 'main' });
    });

    it("shows a glossary term's definition when the term gets keyboard focus", async () => {
      const firstTerm = page.locator('main .term').first();
      const definition = firstTerm.locator('.term-definition');
      expect(await definition.isVisible()).toBe(false);
      // Tab from main (where the skip link left focus) until a term has focus.
      let reached = false;
      for (let presses = 0; presses < 60 && !reached; presses += 1) {
        await page.keyboard.press('Tab');
        reached = (await focused())?.className === 'term';
      }
      expect(reached).toBe(true);
      // Pinned by id: `.term:focus` would follow focus to the next term.
      const definitionId = await page.locator('main .term:focus').getAttribute('aria-describedby');
      const shown = page.locator(`main .term > .term-definition[id="${definitionId}"]`);
      expect(await shown.count()).toBe(1);
      expect(await shown.isVisible()).toBe(true);
      expect((await shown.innerText()).trim().length).toBeGreaterThan(10);
      await screenshot(page, 'keyboard-glossary-term-focused-1280');
      await page.keyboard.press('Tab');
      expect(await shown.isVisible()).toBe(false);
    });
  });
});
