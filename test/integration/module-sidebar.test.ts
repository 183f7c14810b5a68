/**
 * The module page's list of the course's modules (issue 16): each module's state from the learner facts the page
 * already reads, the current module marked, both languages, and no extra database round trip. Also the header's
 * menu: its button, the log-out form (with its CSRF token) and the language links inside it.
 * Fixture course: test/fixtures/module-sidebar/sidebar-course (three modules; quizzes on the first two).
 */
import path from 'node:path';
import request from 'supertest';
import { importCourses } from '../../src/courses/course-importer';
import { databaseCommandCounts } from '../../src/db/connection';
import { csrfFrom, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

const COURSE = 'sidebar-course';
const MODULES = ['getting-ready', 'reading-the-tender', 'sending-the-bid'];
const moduleUrl = (slug: string) => `/courses/${COURSE}/modules/${slug}`;

type NavItem = { href: string; title: string; current: boolean; state?: string; quizPassed: boolean; text: string };

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The module list as a person reads it: one row per `<li>` of the page's `nav.module-nav`. */
function moduleNavOf(html: string): { summary: string; items: NavItem[] } {
  const nav = /<nav class="module-nav"[\s\S]*?<\/nav>/.exec(html)?.[0];
  if (!nav) throw new Error('no module list on the page');
  const summary = textOf(/<summary[^>]*>([\s\S]*?)<\/summary>/.exec(nav)?.[1] ?? '');
  const items = [...nav.matchAll(/<li class="module-nav-item[^"]*"([^>]*)>([\s\S]*?)<\/li>/g)].map(([, attributes = '', body = '']) => {
    const link = /<a href="([^"]+)"([^>]*)>([\s\S]*?)<\/a>/.exec(body);
    return {
      href: link?.[1] ?? '',
      title: textOf(link?.[3] ?? ''),
      current: (link?.[2] ?? '').includes('aria-current="page"'),
      state: /data-state="([^"]+)"/.exec(attributes)?.[1],
      quizPassed: /\bdata-quiz-passed\b/.test(attributes),
      text: textOf(body),
    };
  });
  return { summary, items };
}

async function post(agent: Agent, pageUrl: string, action: string, fields: Record<string, string> = {}, status = 303) {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields })
    .expect(status);
}

async function passQuiz(agent: Agent, slug: string, n: number) {
  const page = await agent.get(`${moduleUrl(slug)}/quiz`).expect(200);
  const submissionKey = /name="submissionKey" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const result = await agent
    .post(`${moduleUrl(slug)}/quiz`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), submissionKey, [`q_m${n}-choice`]: 'a' })
    .expect(200);
  expect(result.text).toContain('You passed');
}

/** Database commands sent while `run` runs, by name. */
async function commandsOf(run: () => Promise<unknown>): Promise<{ total: number; byName: Record<string, number> }> {
  const before = databaseCommandCounts().byName;
  await run();
  const after = databaseCommandCounts().byName;
  const byName = Object.fromEntries(
    Object.entries(after).flatMap(([name, n]) => (n - (before[name] ?? 0) > 0 ? [[name, n - (before[name] ?? 0)]] : [])),
  );
  return { total: Object.values(byName).reduce((sum, n) => sum + n, 0), byName };
}

describe('module list beside a module page', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let learner: Awaited<ReturnType<typeof signedInUser>>;

  beforeAll(async () => {
    test = await startTestApp('module_sidebar', { TRUST_PROXY: 'true' });
    const [outcome] = await importCourses(path.resolve('test/fixtures/module-sidebar'));
    expect(outcome).toMatchObject({ slug: COURSE, status: 'created' });
    learner = await signedInUser(test.app, { name: 'Chen Jing', email: 'chen.jing@example.org' });
    await post(learner.agent, `/courses/${COURSE}`, `/courses/${COURSE}/enrol`);
    // Module 1: completed and its quiz passed. Module 2: completed, quiz not taken. Module 3: never opened.
    await post(learner.agent, moduleUrl(MODULES[0]!), `${moduleUrl(MODULES[0]!)}/complete`);
    await passQuiz(learner.agent, MODULES[0]!, 1);
    await post(learner.agent, moduleUrl(MODULES[1]!), `${moduleUrl(MODULES[1]!)}/complete`);
  });
  afterAll(() => test.close());

  describe('GET /courses/:slug/modules/:module (enrolled learner)', () => {
    it('lists every module with its state, the quiz passed, and marks the current one', async () => {
      const page = await learner.agent.get(moduleUrl(MODULES[0]!)).expect(200);
      const nav = moduleNavOf(page.text);
      expect(nav.items.map(({ href, title, current, state, quizPassed }) => ({ href, title, current, state, quizPassed }))).toEqual([
        { href: moduleUrl(MODULES[0]!), title: 'Getting ready', current: true, state: 'completed', quizPassed: true },
        { href: moduleUrl(MODULES[1]!), title: 'Reading the tender', current: false, state: 'in-progress', quizPassed: false },
        { href: moduleUrl(MODULES[2]!), title: 'Sending the bid', current: false, state: 'not-started', quizPassed: false },
      ]);
      // What a person reads, not only the attributes.
      expect(nav.items.map((item) => item.text)).toEqual([
        'Getting ready Completed · Quiz passed',
        'Reading the tender In progress',
        'Sending the bid Not started',
      ]);
      expect(nav.summary).toBe('Modules in this course 1 of 3 completed');
      expect(page.text).toMatch(/<nav class="module-nav" aria-labelledby="module-nav-title">/);
      expect(page.text).toContain('<h2 id="module-nav-title" class="module-nav-title">Modules in this course</h2>');
      // Collapsed unless the CSS opens it (wide screens): the server never renders it open.
      expect(page.text).toContain('<details class="module-nav-details">');
    });

    it('counts the module being opened for the first time as in progress (the request records that visit)', async () => {
      const page = await learner.agent.get(moduleUrl(MODULES[2]!)).expect(200);
      const nav = moduleNavOf(page.text);
      expect(nav.items.map((item) => [item.state, item.current])).toEqual([
        ['completed', false],
        ['in-progress', false],
        ['in-progress', true],
      ]);
    });

    it('shows the list in Chinese for a Chinese reader', async () => {
      const page = await learner.agent.get(`${moduleUrl(MODULES[1]!)}?lang=zh-CN`).expect(200);
      const nav = moduleNavOf(page.text);
      expect(nav.summary).toBe('本课程的单元 已完成 1/3');
      expect(nav.items.map((item) => item.text)).toEqual(['准备工作 已完成 · 测验已通过', '阅读招标文件 学习中', '提交投标书 学习中']);
      expect(nav.items[1]!.current).toBe(true);
      await learner.agent.get(`${moduleUrl(MODULES[1]!)}?lang=en`).expect(200);
    });

    it('costs no extra database round trip: 2 per revisited module page, the list included', async () => {
      await learner.agent.get(moduleUrl(MODULES[1]!)).expect(200);
      const counted = await commandsOf(() => learner.agent.get(moduleUrl(MODULES[1]!)).expect(200));
      expect(counted).toEqual({ total: 2, byName: { find: 2 } });
    });
  });

  describe('GET /courses/:slug/modules/:module (visitor)', () => {
    it('lists the modules without any progress', async () => {
      const page = await request(test.app).get(moduleUrl(MODULES[1]!)).expect(200);
      const nav = moduleNavOf(page.text);
      expect(nav.items.map(({ title, current, state, quizPassed }) => ({ title, current, state, quizPassed }))).toEqual([
        { title: 'Getting ready', current: false, state: undefined, quizPassed: false },
        { title: 'Reading the tender', current: true, state: undefined, quizPassed: false },
        { title: 'Sending the bid', current: false, state: undefined, quizPassed: false },
      ]);
      expect(nav.summary).toBe('Modules in this course');
    });
  });

  describe('header menu', () => {
    it('puts the links, the log-out form with its CSRF token and the language links in one <details> menu', async () => {
      const page = await learner.agent.get(moduleUrl(MODULES[0]!)).expect(200);
      const header = /<header class="site-header">[\s\S]*?<\/header>/.exec(page.text)?.[0] ?? '';
      const menu = /<details class="site-menu">([\s\S]*?)<\/details>/.exec(header)?.[1] ?? '';
      expect(textOf(/<summary[^>]*>([\s\S]*?)<\/summary>/.exec(menu)?.[1] ?? '')).toBe('Menu');
      expect(menu).toContain('href="/dashboard"');
      expect(menu).toContain('href="/account"');
      expect(menu).toMatch(/<form method="post" action="\/logout"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/);
      expect(menu).toMatch(/<nav class="language-switcher"[\s\S]*href="[^"]*\?lang=zh-CN" lang="zh-Hans"/);
      // The skip link stays the first link of the page, before the menu.
      expect(page.text.indexOf('class="skip-link"')).toBeLessThan(page.text.indexOf('<a class="brand"'));
      expect(page.text.indexOf('<a ')).toBe(page.text.indexOf('<a class="skip-link"'));

      const zh = await learner.agent.get(`${moduleUrl(MODULES[0]!)}?lang=zh-CN`).expect(200);
      expect(/<summary class="site-menu-button">([\s\S]*?)<\/summary>/.exec(zh.text)?.[1]).toContain('菜单');
      await learner.agent.get(`${moduleUrl(MODULES[0]!)}?lang=en`).expect(200);
    });

    it('logs out with the form from the menu', async () => {
      const other = await signedInUser(test.app, { name: 'Li Na', email: 'li.na@example.org' });
      const page = await other.agent.get('/dashboard').expect(200);
      const menu = /<details class="site-menu">[\s\S]*?<\/details>/.exec(page.text)?.[0] ?? '';
      await other.agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfFrom(menu) })
        .expect(303);
      await other.agent.get('/dashboard').expect(303).expect('Location', '/login?next=%2Fdashboard');
    });
  });
});
