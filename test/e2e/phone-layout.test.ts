/**
 * Issue 16, part 3: a learner experience that fits a phone. At 360 × 780 the header is one short row (the site name
 * and a <details> menu button) that opens with the keyboard, with the skip link still first; at 1280 × 900 the menu's
 * links stand in a row. The module page shows the course's modules with the learner's state in each: a sticky column
 * beside the text on a wide screen, a collapsed <details> on a phone. Axe on the home page, the dashboard and a module
 * page in both languages at both widths. Screenshots: test/artifacts/phone-layout-*.png.
 *
 * The learner completes module 1 of e2e-course and passes its quiz in the setup; module 2 is then opened.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount, signIn, type Account } from './support/accounts';
import { describeViolations, enableAxe, launchBrowser, screenshot, seriousAccessibilityViolations } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

const PHONE = { width: 360, height: 780 };
const WIDE = { width: 1280, height: 900 };
/** Closed header at 360 px must be below this (it was 185 px for a signed-in learner before the menu). */
const HEADER_TARGET_PX = 70;
const E2E = '/courses/e2e-course';
/** A long bundled module, so that the page scrolls and stickiness shows. */
const LONG_MODULE = '/courses/bid-writing/modules/reading-a-solicitation';

type Box = { x: number; y: number; width: number; height: number; right: number; bottom: number };

/** The element's border box in the viewport (getBoundingClientRect), or undefined when it is not in the page. */
async function boxOf(page: Page, selector: string): Promise<Box | undefined> {
  const handle = page.locator(selector).first();
  if ((await handle.count()) === 0) return undefined;
  return handle.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height, right: rect.right, bottom: rect.bottom };
  });
}

/** What has keyboard focus: tag, class, text and, for links, the href. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const active = (
      globalThis as unknown as {
        document: {
          activeElement: {
            tagName: string;
            className: string;
            textContent: string | null;
            getAttribute(name: string): string | null;
          } | null;
        };
      }
    ).document.activeElement;
    return active
      ? {
          tag: active.tagName.toLowerCase(),
          className: String(active.className),
          text: (active.textContent ?? '').replace(/\s+/g, ' ').trim(),
          href: active.getAttribute('href'),
        }
      : null;
  });
}

/**
 * The page's disclosure buttons (<summary>) as Chromium's accessibility tree exposes them to screen readers: their
 * accessible name and whether they are expanded (playwright's getByRole gives <summary> no role).
 */
async function disclosures(page: Page): Promise<{ name: string; expanded: boolean }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value?: string }; name?: { value?: string }; properties?: { name: string; value: { value?: unknown } }[] }[];
    };
    return nodes
      .filter((node) => node.role?.value === 'DisclosureTriangle')
      .map((node) => ({
        name: String(node.name?.value ?? '').trim(),
        expanded: node.properties?.find((property) => property.name === 'expanded')?.value.value === true,
      }));
  } finally {
    await cdp.detach();
  }
}

describe('phone layout: compact header and the module list', () => {
  let app: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let learner: Account;
  const measured: string[] = [];

  async function setLanguage(locale: 'en' | 'zh-CN') {
    await context.addCookies([{ name: 'lang', value: locale, url: app.base, httpOnly: true, sameSite: 'Lax' }]);
  }
  const submit = async (form: string) =>
    Promise.all([page.waitForNavigation(), page.locator(`main ${form} [type=submit]`).first().click()]);

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('phone'), launchBrowser()]);
    learner = await createAccount(app, { name: 'Chen Jing', email: 'chen.jing@example.org', role: 'learner' });
    // bypassCSP: axe-core is put into the pages by an init script, which the app's CSP would otherwise refuse.
    context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    context.setDefaultTimeout(15000);
    await enableAxe(context);
    page = await context.newPage();
    await setLanguage('en');
    await signIn(page, app.base, learner);
    await page.goto(`${app.base}${E2E}`);
    await submit(`form[action="${E2E}/enrol"]`);
    await page.goto(`${app.base}${E2E}/modules/module-1`);
    await submit('form[action$="/modules/module-1/complete"]');
    await page.locator('input[type=radio][value="a"]').first().check();
    await page.locator('input[type=radio][value="true"]').first().check();
    await submit('form.quiz');
    await page.getByText('You passed').waitFor();
  }, 120000);

  afterAll(async () => {
    if (measured.length) console.log(`phone layout, measured:\n${measured.join('\n')}`);
    await browser?.close();
    await app?.stop();
  });

  describe('header at 360 × 780', () => {
    it.each(['en', 'zh-CN'] as const)('is one short row when closed (%s)', async (locale) => {
      await setLanguage(locale);
      await page.setViewportSize(PHONE);
      await page.goto(`${app.base}${E2E}/modules/module-2`);
      const header = (await boxOf(page, 'header.site-header'))!;
      measured.push(`  header at 360 px, closed, signed-in learner, ${locale}: ${header.height.toFixed(1)} px`);
      expect(header.height).toBeLessThan(HEADER_TARGET_PX);
      expect(await page.locator('details.site-menu').getAttribute('open')).toBeNull();
      expect(await page.locator('header nav a[href="/dashboard"]').isVisible()).toBe(false);
      // The brand and the button share one row.
      const brand = (await boxOf(page, 'header .brand'))!;
      const button = (await boxOf(page, 'header summary.site-menu-button'))!;
      expect(button.y).toBeLessThan(brand.bottom);
      expect(button.right).toBeLessThanOrEqual(PHONE.width);
      await setLanguage('en');
    });

    it('keeps the skip link first, then opens the menu with Tab and Enter; every link is reachable', async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`${app.base}${E2E}/modules/module-2`);
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', className: 'skip-link', text: 'Skip to main content' });
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', className: 'brand' });
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'summary', text: 'Menu' });
      expect(await disclosures(page)).toContainEqual({ name: 'Menu', expanded: false });
      await page.keyboard.press('Enter');
      expect(await page.locator('details.site-menu').getAttribute('open')).toBe('');
      expect(await disclosures(page)).toContainEqual({ name: 'Menu', expanded: true });
      await screenshot(page, 'phone-layout-menu-open-360');

      const stops: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        await page.keyboard.press('Tab');
        const now = await focused(page);
        stops.push(now?.href ?? `${now?.tag}:${now?.text}`);
      }
      expect(stops).toEqual([
        '/',
        '/verify',
        '/dashboard',
        '/account',
        'button:Log out',
        `${E2E}/modules/module-2?lang=en`,
        `${E2E}/modules/module-2?lang=zh-CN`,
      ]);
      for (const href of ['/', '/verify', '/dashboard', '/account']) {
        expect(await page.locator(`header nav a[href="${href}"]`).isVisible()).toBe(true);
      }
      // The open menu lies over the page and inside the screen.
      const panel = (await boxOf(page, '.site-menu-panel'))!;
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.right).toBeLessThanOrEqual(PHONE.width);
      const header = (await boxOf(page, 'header.site-header'))!;
      measured.push(
        `  header at 360 px with the menu open: ${header.height.toFixed(1)} px (the panel, ${panel.height.toFixed(1)} px, lies over the page)`,
      );
    });

    it('switches the language from inside the menu', async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`${app.base}/dashboard`);
      await page.locator('summary.site-menu-button').click();
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '简体中文' }).click()]);
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
      expect(await disclosures(page)).toContainEqual({ name: '菜单', expanded: false });
      await page.locator('summary.site-menu-button').click();
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'English' }).click()]);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    });
  });

  describe('header at 1280 × 900', () => {
    it('shows the links in a row and no menu button; Tab goes from the skip link through the links', async () => {
      await page.setViewportSize(WIDE);
      await page.goto(`${app.base}${E2E}/modules/module-2`);
      expect(await page.locator('summary.site-menu-button').isVisible()).toBe(false);
      const courses = (await boxOf(page, 'header nav a[href="/"]'))!;
      const dashboard = (await boxOf(page, 'header a[href="/dashboard"]'))!;
      const logout = (await boxOf(page, 'header form[action="/logout"] button'))!;
      expect(await page.locator('header a[href="/dashboard"]').isVisible()).toBe(true);
      expect(Math.abs(courses.y + courses.height / 2 - (dashboard.y + dashboard.height / 2))).toBeLessThan(2);
      expect(dashboard.x).toBeGreaterThan(courses.right);
      expect(logout.x).toBeGreaterThan(dashboard.right);
      const header = (await boxOf(page, 'header.site-header'))!;
      measured.push(`  header at 1280 px, signed-in learner: ${header.height.toFixed(1)} px`);
      expect(header.height).toBeLessThan(90);

      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ className: 'skip-link' });
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ className: 'brand' });
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', href: '/' });
    });

    it('keeps an admin’s longer menu (seven links) to the brand’s row at 1280, at most two lines, and one row at 360', async () => {
      const admin = await createAccount(app, { name: 'Admin Zhou', email: 'admin.zhou@example.org', role: 'admin' });
      const adminContext = await browser.newContext({ viewport: WIDE });
      const adminPage = await adminContext.newPage();
      await signIn(adminPage, app.base, admin);
      for (const locale of ['en', 'zh-CN'] as const) {
        await adminContext.addCookies([{ name: 'lang', value: locale, url: app.base, httpOnly: true, sameSite: 'Lax' }]);
        await adminPage.setViewportSize(WIDE);
        await adminPage.goto(`${app.base}/admin`);
        const wide = (await boxOf(adminPage, 'header.site-header'))!;
        const brand = (await boxOf(adminPage, 'header .brand'))!;
        const firstLink = (await boxOf(adminPage, 'header nav a[href="/"]'))!;
        measured.push(`  header at 1280 px, admin, ${locale}: ${wide.height.toFixed(1)} px`);
        await screenshot(adminPage, `phone-layout-admin-header-${locale}-1280`);
        expect(firstLink.y).toBeLessThan(brand.bottom);
        expect(wide.height).toBeLessThan(130);
        await adminPage.setViewportSize(PHONE);
        const phone = (await boxOf(adminPage, 'header.site-header'))!;
        measured.push(`  header at 360 px, closed, admin, ${locale}: ${phone.height.toFixed(1)} px`);
        expect(phone.height).toBeLessThan(HEADER_TARGET_PX);
      }
      await adminContext.close();
    });

    it('logs out with the button inside the menu (at 360)', async () => {
      const other = await browser.newContext({ viewport: PHONE });
      const phonePage = await other.newPage();
      await signIn(phonePage, app.base, learner);
      await phonePage.goto(`${app.base}/dashboard`);
      await phonePage.locator('summary.site-menu-button').click();
      await Promise.all([phonePage.waitForNavigation(), phonePage.getByRole('button', { name: 'Log out' }).click()]);
      await phonePage.locator('summary.site-menu-button').click();
      expect(await phonePage.getByRole('link', { name: 'Log in' }).isVisible()).toBe(true);
      const dashboard = await phonePage.goto(`${app.base}/dashboard`);
      expect(new URL(dashboard!.url()).pathname).toBe('/login');
      await other.close();
    });
  });

  describe('module list', () => {
    it('at 1280 stands to the right of the text, which is wider than 60 % of the screen, and stays in view (sticky)', async () => {
      await page.setViewportSize(WIDE);
      await page.goto(`${app.base}${E2E}/modules/module-2`);
      const article = (await boxOf(page, 'main article.module'))!;
      const list = (await boxOf(page, 'main nav.module-nav'))!;
      measured.push(
        `  module page at 1280 px: article x ${article.x.toFixed(0)}–${article.right.toFixed(0)}, module list x ${list.x.toFixed(0)}–${list.right.toFixed(0)}`,
      );
      expect(list.x).toBeGreaterThanOrEqual(article.right);
      expect(list.y).toBeLessThan(article.bottom);
      expect(article.right).toBeGreaterThan(0.6 * WIDE.width);
      expect(list.right).toBeLessThanOrEqual(WIDE.width);
      expect(await page.locator('main nav.module-nav a[href$="/modules/module-1"]').isVisible()).toBe(true);
      expect(await page.locator('main nav.module-nav summary').isVisible()).toBe(false);
      expect(await page.getByRole('heading', { level: 2, name: 'Modules in this course' }).isVisible()).toBe(true);
      await screenshot(page, 'phone-layout-module-1280');

      await page.goto(app.base + LONG_MODULE);
      expect(
        await page
          .locator('main nav.module-nav')
          .evaluate(
            (element) =>
              (globalThis as unknown as { getComputedStyle(node: unknown): { position: string } }).getComputedStyle(element).position,
          ),
      ).toBe('sticky');
      const before = (await boxOf(page, 'main nav.module-nav'))!;
      await page.mouse.wheel(0, 2000);
      await page.waitForFunction(() => (globalThis as unknown as { scrollY: number }).scrollY >= 1500);
      const after = (await boxOf(page, 'main nav.module-nav'))!;
      const articleAfter = (await boxOf(page, 'main article.module'))!;
      expect(articleAfter.y).toBeLessThan(-1000);
      expect(after.y).toBeGreaterThanOrEqual(0);
      expect(after.y).toBeLessThan(40);
      expect(after.x).toBe(before.x);
      await screenshot(page, 'phone-layout-long-module-1280');
    });

    it('shows each module’s state and marks the current module (learner who completed module 1 and passed its quiz)', async () => {
      for (const viewport of [WIDE, PHONE]) {
        await page.setViewportSize(viewport);
        await page.goto(`${app.base}${E2E}/modules/module-2`);
        if (viewport === PHONE) await page.locator('main nav.module-nav summary').click();
        const rows = page.locator('main nav.module-nav li');
        expect(await rows.count()).toBe(2);
        expect((await rows.nth(0).innerText()).replace(/\s+/g, ' ').trim()).toBe('Module 1 Completed · Quiz passed');
        expect((await rows.nth(1).innerText()).replace(/\s+/g, ' ').trim()).toBe('Module 2 In progress');
        const current = page.locator('main nav.module-nav a[aria-current="page"]');
        expect(await current.count()).toBe(1);
        expect(await current.getAttribute('href')).toBe(`${E2E}/modules/module-2`);
        expect(await current.isVisible()).toBe(true);
      }
      await page.setViewportSize(PHONE);
      await page.goto(`${app.base}${E2E}/modules/module-1`);
      await page.locator('main nav.module-nav summary').click();
      expect(await page.locator('main nav.module-nav a[aria-current="page"]').getAttribute('href')).toBe(`${E2E}/modules/module-1`);
      expect((await page.locator('main nav.module-nav summary').innerText()).replace(/\s+/g, ' ').trim()).toBe(
        'Modules in this course 1 of 2 completed',
      );
    });

    it('at 360 is collapsed by default, under the text, and opens with the keyboard', async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`${app.base}${E2E}/modules/module-2`);
      expect(await page.locator('main details.module-nav-details').getAttribute('open')).toBeNull();
      expect(await page.locator('main nav.module-nav a[href$="/modules/module-1"]').isVisible()).toBe(false);
      const summary = page.locator('main nav.module-nav summary');
      expect(await summary.isVisible()).toBe(true);
      const list = (await boxOf(page, 'main nav.module-nav'))!;
      const article = (await boxOf(page, 'main article.module'))!;
      expect(list.y).toBeGreaterThanOrEqual(article.bottom);
      expect(list.right).toBeLessThanOrEqual(PHONE.width);
      expect(await disclosures(page)).toContainEqual({ name: 'Modules in this course 1 of 2 completed', expanded: false });
      await screenshot(page, 'phone-layout-module-360');
      await summary.focus();
      await page.keyboard.press('Enter');
      expect(await page.locator('main nav.module-nav a[href$="/modules/module-1"]').isVisible()).toBe(true);
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ href: `${E2E}/modules/module-1` });
      await screenshot(page, 'phone-layout-module-list-open-360');
      // The page never scrolls sideways on a phone.
      expect(
        await page.evaluate(
          () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(PHONE.width);
    });
  });

  describe.each(['en', 'zh-CN'] as const)('axe in %s', (locale) => {
    it.each([
      ['home', '/'],
      ['dashboard', '/dashboard'],
      ['module page', `${E2E}/modules/module-2`],
      ['long module page', LONG_MODULE],
    ])('%s has no serious or critical violation at 360 (menu closed and open) and 1280', async (_name, path) => {
      await setLanguage(locale);
      const reports: string[] = [];
      for (const viewport of [PHONE, WIDE]) {
        await page.setViewportSize(viewport);
        await page.goto(app.base + path);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale === 'en' ? 'en' : 'zh-Hans');
        const states = viewport === PHONE ? ['closed', 'open'] : ['as shown'];
        for (const state of states) {
          if (state === 'open') {
            await page.locator('summary.site-menu-button').click();
            if ((await page.locator('main summary.module-nav-summary').count()) > 0)
              await page.locator('main summary.module-nav-summary').click();
          }
          const violations = await seriousAccessibilityViolations(page);
          if (violations.length) reports.push(`at ${viewport.width} px (${state}):\n${describeViolations(violations)}`);
        }
      }
      await setLanguage('en');
      expect(reports.join('\n')).toBe('');
    });
  });
});
