/**
 * The supplier readiness check over HTTP against the real database: scoring and the level rule, an anonymous result
 * kept through sign-in and registration, history with progress per area, the bilingual plan PDF, the readiness
 * report with its breakdowns and CSV, bad input, and the dashboard's "start here". The shipped courses/readiness.yaml
 * is used as is; the courses it links to are small fixture courses with the same slugs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { User } from '../../src/accounts/user.model';
import { databaseCommandCounts } from '../../src/db/connection';
import { assignTrainer } from '../../src/access/course-access';
import { importCourses } from '../../src/courses/course-importer';
import { readReadinessFile } from '../../src/readiness/readiness-file';
import { ReadinessResult } from '../../src/readiness/readiness-result.model';
import { readinessDistribution } from '../../src/readiness/readiness-report.service';
import { latestReadinessLevels } from '../../src/readiness/readiness.service';
import type { ReadinessCheck } from '../../src/readiness/readiness-types';
import { csrfFrom, login, newAgent, registerUser, tokenFor, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser, TEST_PASSWORD } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type Answers = Record<string, string>;

let test: TestApp;
let check: ReadinessCheck;

/** Best and worst option of every question, and a mix: the best everywhere except `weak` areas. */
const best = (): Answers =>
  Object.fromEntries(check.questions.map((q) => [q.id, q.options.find((o) => !o.notApplicable && o.points === q.maxPoints)!.id]));
const worst = (): Answers =>
  Object.fromEntries(check.questions.map((q) => [q.id, q.options.find((o) => !o.notApplicable && o.points === 0)!.id]));
const weakIn = (...areas: string[]): Answers => {
  const low = worst();
  return { ...best(), ...Object.fromEntries(check.questions.filter((q) => areas.includes(q.area)).map((q) => [q.id, low[q.id]!])) };
};

async function submit(agent: Agent, answers: Answers, extra: Record<string, string> = {}) {
  const page = await agent.get('/readiness').expect(200);
  const submissionKey = /name="submissionKey" value="([^"]+)"/.exec(page.text)![1]!;
  const fields = Object.fromEntries(Object.entries(answers).map(([id, option]) => [`q_${id}`, option]));
  return agent
    .post('/readiness')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), submissionKey, ...fields, ...extra });
}

/** A submission that was scored: 303 to the result page. */
async function accepted(response: Promise<{ status: number; headers: Record<string, string> }>) {
  const { status, headers } = await response;
  expect([status, headers.location]).toEqual([303, '/readiness/result']);
}

const areaRow = (html: string, area: string) =>
  new RegExp(`<tr data-area="${area}">([\\s\\S]*?)</tr>`).exec(html)?.[1]?.replace(/\s+/g, ' ') ?? '';

beforeAll(async () => {
  test = await startTestApp('readiness');
  check = (await readReadinessFile('courses', true)).check!;
  // Fixture courses named like the shipped ones the readiness file links to: bid-writing intermediate (first in
  // slug order), selling-to-the-un beginner.
  const root = writeFixtureCourse({ slug: 'bid-writing', modules: 1, quizzes: false });
  const other = writeFixtureCourse({ slug: 'selling-to-the-un', modules: 1, quizzes: false });
  renameSync(path.join(other, 'selling-to-the-un'), path.join(root, 'selling-to-the-un'));
  const bidYaml = path.join(root, 'bid-writing', 'course.yaml');
  writeFileSync(bidYaml, readFileSync(bidYaml, 'utf8').replace('level: beginner', 'level: intermediate'));
  const outcomes = await importCourses(root);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created']);
}, 60000);
afterAll(async () => {
  await test?.close();
});

describe('scoring', () => {
  it('scores each area and applies the level rule of the file; a signed-in result is stored once per submission', async () => {
    const learner = await signedInUser(test.app, { name: 'Scorer', email: 'scorer@example.org' });
    await accepted(submit(learner.agent, best()));
    let page = await learner.agent.get('/readiness/result').expect(200);
    expect(page.text).toContain('data-level="ready-to-bid"');
    expect(page.text).toContain('Overall score: 100%');
    expect(areaRow(page.text, 'bids')).toContain('100%');

    // Bids at 0% and everything else full: overall above 75% but one area below 50% is "getting ready".
    await accepted(submit(learner.agent, weakIn('bids')));
    page = await learner.agent.get('/readiness/result').expect(200);
    const bidsMax = check.questions.filter((q) => q.area === 'bids').reduce((sum, q) => sum + q.maxPoints, 0);
    const totalMax = check.questions.reduce((sum, q) => sum + q.maxPoints, 0);
    const overall = Math.round(((totalMax - bidsMax) / totalMax) * 100);
    expect(overall).toBeGreaterThanOrEqual(75);
    expect(page.text).toContain(`Overall score: ${overall}%`);
    expect(page.text).toContain('data-level="getting-ready"');
    expect(areaRow(page.text, 'bids')).toContain('0%');
    // Every bids question is a gap with its next step and deep links to the modules that teach it.
    expect(page.text).toContain('href="/courses/bid-writing/modules/compliance"');
    expect(page.text).toContain('Build a compliance matrix for every bid.');

    // "Does not apply" leaves a question out of its area: services-only firms are not marked down on eco-labels.
    const services = { ...best(), 'sustainability-eco-labels': 'not-applicable', 'capacity-after-sales': 'not-applicable' };
    await accepted(submit(learner.agent, services));
    page = await learner.agent.get('/readiness/result').expect(200);
    expect(areaRow(page.text, 'sustainability')).toContain('100%');
    expect(await ReadinessResult.countDocuments({ userId: learner.id })).toBe(3);
  });

  it('a double-submitted form is one attempt', async () => {
    const learner = await signedInUser(test.app, { name: 'Twice', email: 'twice@example.org' });
    const page = await learner.agent.get('/readiness').expect(200);
    const fields = {
      _csrf: csrfFrom(page.text),
      submissionKey: /name="submissionKey" value="([^"]+)"/.exec(page.text)![1]!,
      ...Object.fromEntries(Object.entries(best()).map(([id, option]) => [`q_${id}`, option])),
    };
    await Promise.all([1, 2, 3].map(() => learner.agent.post('/readiness').type('form').send(fields).expect(303)));
    expect(await ReadinessResult.countDocuments({ userId: learner.id })).toBe(1);
  });
});

describe('anonymous results', () => {
  it('are kept in the session, then saved after sign-in with nothing lost', async () => {
    const email = 'later@example.org';
    await signedInUser(test.app, { name: 'Later', email });
    const visitor = newAgent(test.app);
    const answers = weakIn('ungm', 'legal');
    await accepted(submit(visitor, answers));
    let page = await visitor.get('/readiness/result').expect(200);
    expect(page.text).toContain('Sign in to save');
    expect(page.text).toContain('href="/login?next=%2Freadiness%2Fresult"');
    const before = areaRow(page.text, 'ungm');

    // Sign in (the session id changes): the result comes along and is offered for saving.
    const signedIn = await login(visitor, email, TEST_PASSWORD, { next: '/readiness/result' });
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/readiness/result']);
    page = await visitor.get('/readiness/result').expect(200);
    expect(page.text).toContain('This result is not saved to your account yet.');
    expect(areaRow(page.text, 'ungm')).toBe(before);
    const user = await User.findOne({ email }).lean();
    expect(await ReadinessResult.countDocuments({ userId: user!._id })).toBe(0);

    const token = csrfFrom(page.text);
    await visitor.post('/readiness/save').type('form').send({ _csrf: token }).expect(303).expect('Location', '/readiness/result?saved=1');
    await visitor.post('/readiness/save').type('form').send({ _csrf: token }).expect(303).expect('Location', '/readiness/result');
    const saved = await ReadinessResult.find({ userId: user!._id }).lean();
    expect(saved).toHaveLength(1);
    expect(Object.fromEntries(saved[0]!.answers.map((a) => [a.questionId, a.optionId]))).toEqual(answers);
    page = await visitor.get('/readiness/result?saved=1').expect(200);
    expect(page.text).toContain('Your result is saved.');
    expect(areaRow(page.text, 'ungm')).toBe(before);
  });

  it('survive registration with e-mail confirmation in the same browser session', async () => {
    const visitor = newAgent(test.app);
    await accepted(submit(visitor, weakIn('ethics')));
    await registerUser(
      visitor,
      test.config.dataDir,
      { name: 'New Supplier', email: 'new.supplier@example.org', password: 'a long enough password 1' },
      new Set(),
    );
    const dashboard = await visitor.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('You have a readiness result that is not saved yet.');
    const page = await visitor.get('/readiness/result').expect(200);
    await visitor
      .post('/readiness/save')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const user = await User.findOne({ email: 'new.supplier@example.org' }).lean();
    const [result] = await ReadinessResult.find({ userId: user!._id }).lean();
    expect(result!.areas.find((area) => area.area === 'ethics')!.percent).toBe(0);
  });

  it('save without sign-in sends the visitor to sign in and back; result page without a result goes to the form', async () => {
    const visitor = newAgent(test.app);
    const token = await tokenFor(visitor, '/readiness');
    await visitor
      .post('/readiness/save')
      .type('form')
      .send({ _csrf: token })
      .expect(303)
      .expect('Location', '/login?next=%2Freadiness%2Fresult');
    await visitor.get('/readiness/result').expect(303).expect('Location', '/readiness');
    await visitor.get('/readiness/plan.pdf').expect(404);
  });
});

describe('history', () => {
  it('shows progress per area since the last attempt, and every attempt', async () => {
    const learner = await signedInUser(test.app, { name: 'Progress', email: 'progress@example.org' });
    await accepted(submit(learner.agent, weakIn('bids', 'quality')));
    let page = await learner.agent.get('/readiness/result').expect(200);
    expect(page.text).not.toContain('Since last time');
    await accepted(submit(learner.agent, weakIn('quality')));
    page = await learner.agent.get('/readiness/result').expect(200);
    expect(page.text).toContain('Since last time');
    expect(areaRow(page.text, 'bids')).toContain('Up 100 points');
    expect(areaRow(page.text, 'quality')).toContain('No change');
    const history = await learner.agent.get('/readiness/history').expect(200);
    expect(history.text.match(/<tr>\s*<th scope="row">/g)).toHaveLength(2);
    await newAgent(test.app).get('/readiness/history').expect(303);

    const levels = await latestReadinessLevels([learner.id, '000000000000000000000000', 'not-an-id']);
    expect([...levels.keys()]).toEqual([learner.id]);
    expect(levels.get(learner.id)!.level).toBe('getting-ready');
  });
});

/** The database commands a request sends, by name (the test app counts them). */
async function commandsOf(send: () => Promise<unknown>): Promise<{ total: number; byName: Record<string, number> }> {
  const before = databaseCommandCounts().byName;
  await send();
  const after = databaseCommandCounts().byName;
  const byName = Object.fromEntries(
    Object.entries(after).flatMap(([name, n]) => (n - (before[name] ?? 0) > 0 ? [[name, n - (before[name] ?? 0)]] : [])),
  );
  return { total: Object.values(byName).reduce((sum, n) => sum + n, 0), byName };
}

describe('round trips', () => {
  it('a signed-in submission is one insert and the result page reads little, beside the session', async () => {
    const learner = await signedInUser(test.app, { name: 'Counted', email: 'counted@example.org' });
    const page = await learner.agent.get('/readiness').expect(200);
    const fields = {
      _csrf: csrfFrom(page.text),
      submissionKey: /name="submissionKey" value="([^"]+)"/.exec(page.text)![1]!,
      ...Object.fromEntries(Object.entries(weakIn('bids')).map(([id, option]) => [`q_${id}`, option])),
    };
    const submitted = await commandsOf(() => learner.agent.post('/readiness').type('form').send(fields).expect(303));
    // The first view may read the linked courses' heads and versions (kept in memory afterwards): count the next.
    const first = await commandsOf(() => learner.agent.get('/readiness/result').expect(200));
    const shown = await commandsOf(() => learner.agent.get('/readiness/result').expect(200));
    console.log(
      `[round trips] readiness submit: ${JSON.stringify(submitted)}; result page: first ${first.total}, then ${JSON.stringify(shown)}`,
    );
    expect(submitted.byName.insert).toBe(1);
    expect(submitted.total).toBeLessThanOrEqual(3);
    expect(shown.total).toBeLessThanOrEqual(3);
  });
});

describe('plan PDF', () => {
  it('is a real PDF with the plan in English and Chinese', async () => {
    const visitor = newAgent(test.app);
    await accepted(submit(visitor, weakIn('sustainability')));
    const started = Date.now();
    const response = await visitor
      .get('/readiness/plan.pdf')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('Content-Type', 'application/pdf');
    const pdf = response.body as Buffer;
    console.log(`[readiness] plan PDF: ${pdf.length} bytes in ${Date.now() - started} ms (first in this process: fonts parsed)`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(test.config.dataDir, 'plan.pdf');
    mkdirSync(test.config.dataDir, { recursive: true });
    writeFileSync(file, pdf);
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
    const text = stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Supplier readiness action plan');
    expect(text).toContain('供应商准备度行动计划');
    expect(text).toContain('Start an emissions inventory with Scopes 1 and 2');
    expect(text).toContain('从范围一和范围二开始编制排放清单');
  });
});

describe('bad input', () => {
  it('missing answers: 422 in the user’s language, answers given so far kept', async () => {
    const visitor = newAgent(test.app);
    await visitor.get('/readiness?lang=zh-CN').expect(200);
    const partial = Object.fromEntries(Object.entries(best()).slice(0, 3));
    const response = await submit(visitor, partial);
    expect(response.status).toBe(422);
    expect(response.text).toContain('请回答所有问题');
    expect(response.text).toContain('第 4 题尚未回答');
    const [firstId, firstOption] = Object.entries(partial)[0]!;
    expect(response.text).toContain(`id="q-${firstId}-${firstOption}" name="q_${firstId}" value="${firstOption}" checked`);
  });

  it('unknown option ids: 422 naming the question; JSON callers get JSON', async () => {
    const visitor = newAgent(test.app);
    const answers = { ...best(), 'ungm-level': 'platinum' };
    const response = await submit(visitor, answers);
    expect(response.status).toBe(422);
    expect(response.text).toContain('Question 1: that answer is not one of the choices');
    const page = await visitor.get('/readiness').expect(200);
    const json = await visitor
      .post('/readiness')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(422);
    expect(json.body.error.missing).toHaveLength(check.questions.length);
  });

  it('huge bodies are refused with 413 before any work', async () => {
    const visitor = newAgent(test.app);
    const token = await tokenFor(visitor, '/readiness');
    const response = await visitor
      .post('/readiness')
      .type('form')
      .send({ _csrf: token, q_x: 'y'.repeat(200_000) });
    expect(response.status).toBe(413);
    expect(response.text).toContain('What you sent is larger than we accept.');
  });
});

describe('report', () => {
  it('trainers of a course and admins see the distribution with breakdowns and CSV; learners and other trainers do not', async () => {
    const make = async (name: string, email: string, profile: Record<string, unknown>, answers: Answers) => {
      const learner = await signedInUser(test.app, { name, email });
      await User.updateOne({ email }, { $set: { profile } });
      const token = await tokenFor(learner.agent, '/courses/bid-writing');
      await learner.agent.post('/courses/bid-writing/enrol').type('form').send({ _csrf: token }).expect(303);
      await accepted(submit(learner.agent, answers));
      return learner;
    };
    const a = await make('王芳', 'r1@example.cn', { enterpriseSize: 'small', womenOwned: true, region: '广东' }, best());
    await make('李娜', 'r2@example.cn', { enterpriseSize: 'micro', womenOwned: true, region: '广东' }, worst());
    await make('=SUM(1)', 'r3@example.org', { enterpriseSize: 'small', womenOwned: false }, weakIn('bids'));
    await accepted(submit(a.agent, worst())); // only the latest result counts

    const trainer = await signedInUser(test.app, { name: 'Trainer', email: 'trainer.r@example.org', role: 'trainer' });
    await assignTrainer('bid-writing', trainer.id);
    const page = await trainer.agent.get('/reports/readiness?course=bid-writing').expect(200);
    const row = (label: string) =>
      new RegExp(`<th scope="row">[^<]*</th>\\s*<td>${label}</td>((?:\\s*<td>[^<]*</td>)*)`).exec(page.text)?.[1]?.replace(/\s+/g, '') ??
      '';
    // Columns: learners, ready / getting ready / not yet, then each area's average.
    expect(row('Everyone in the selection')).toMatch(/^<td>3<\/td><td>0<\/td><td>1<\/td><td>2<\/td>/);
    expect(row('Small \\(10 to 49\\)')).toMatch(/^<td>2<\/td><td>0<\/td><td>1<\/td><td>1<\/td>/);
    expect(row('Women-owned')).toMatch(/^<td>2<\/td><td>0<\/td><td>0<\/td><td>2<\/td>/);
    expect(row('广东')).toMatch(/^<td>2<\/td>/);
    expect(row('Not stated')).toMatch(/^<td>1<\/td>/);

    const csv = await trainer.agent
      .get('/reports/readiness.csv?course=bid-writing')
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^Breakdown,Group,Learners with a result,Ready to bid,Getting ready,Not yet ready,UNGM registration \(average %\)/,
    );
    expect(lines).toContain('Women-owned business,Women-owned,2,0,0,2,0,0,0,0,0,0,0');
    expect(csv.text).not.toContain('=SUM');

    const learner = await signedInUser(test.app, { name: 'Nosy', email: 'nosy@example.org' });
    await learner.agent.get('/reports/readiness?course=bid-writing').expect(403);
    await learner.agent.get('/reports/readiness.csv?course=bid-writing').expect(403);
    const otherTrainer = await signedInUser(test.app, { name: 'Other', email: 'other.trainer@example.org', role: 'trainer' });
    await otherTrainer.agent.get('/reports/readiness?course=bid-writing').expect(403);
    await otherTrainer.agent.get('/reports/readiness.csv').expect(400);
    await newAgent(test.app).get('/reports/readiness').expect(303);
    const admin = await signedInUser(test.app, { name: 'Admin', email: 'admin.r@example.org', role: 'admin' });
    const all = await admin.agent.get('/reports/readiness').expect(200);
    expect(all.text).toContain('Readiness of learners');
    await admin.agent.get('/reports/readiness?course=..%2Fetc').expect(400);

    // The cohort filter: a list of learner ids.
    const one = await readinessDistribution({ learnerIds: [a.id] });
    expect(one.learners).toBe(1);
    expect(one.groups.find((group) => group.dimension === 'all')!.levels).toEqual({ 'not-yet': 1 });
  });
});

describe('home page', () => {
  it('invites everyone to the readiness check, in both languages', async () => {
    const en = await newAgent(test.app).get('/').expect(200);
    expect(en.text).toContain('<a href="/readiness">Take the supplier readiness check');
    const zh = await newAgent(test.app).get('/?lang=zh-CN').expect(200);
    expect(zh.text).toContain('<a href="/readiness">做一次供应商准备度自测');
  });
});

describe('dashboard "start here"', () => {
  it('suggests the beginner course to a brand-new learner, and the course of the weakest area after a readiness check', async () => {
    const learner = await signedInUser(test.app, { name: 'Fresh', email: 'fresh@example.org' });
    let page = await learner.agent.get('/dashboard').expect(200);
    const nextStep = () => /<section class="next-step"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    expect(nextStep()).toContain('href="/courses/selling-to-the-un"');
    expect(nextStep()).not.toContain('href="/courses/bid-writing"');
    expect(nextStep()).toContain('href="/readiness"');

    await accepted(submit(learner.agent, weakIn('bids')));
    page = await learner.agent.get('/dashboard').expect(200);
    expect(nextStep()).toContain('href="/courses/bid-writing"');
    expect(nextStep()).toContain('Based on your readiness check');

    await accepted(submit(learner.agent, weakIn('ungm')));
    page = await learner.agent.get('/dashboard').expect(200);
    expect(nextStep()).toContain('href="/courses/selling-to-the-un"');
    expect(nextStep()).toContain('Based on your readiness check');
  });
});
