import { Types } from 'mongoose';
import { User } from '../../src/accounts/user.model';
import { assignTrainer } from '../../src/access/course-access';
import { Certificate } from '../../src/certificates/certificate.model';
import { importCourses } from '../../src/courses/course-importer';
import { Enrolment } from '../../src/learning/enrolment.model';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { ModuleTime, ModuleVisit } from '../../src/learning/module-activity.model';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { refreshReports } from '../../src/reports/report-build';
import { newAgent, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'report-fixture';
const BASE = `/reports/courses/${COURSE}`;
const at = (iso: string) => new Date(`${iso}Z`);

/**
 * Seven learners with known profiles and activity; every expected figure below is counted by hand from this table.
 *   L1 王芳    small  women  广东            zh  enrolled 01-10  m1-m3 visited+completed, course completed, valid certificate
 *   L2 李娜    micro  women  浙江            zh  enrolled 02-05  m1,m2 visited+completed
 *   L3 =SUM()  medium no     Hong Kong, SAR  en  enrolled 03-01  m1 visited
 *   L4 Chen    -      -      -               -   enrolled 03-15  nothing
 *   L5 张伟    small  no     广东            zh  enrolled 04-02  m1 completed (no visit record)
 *   L6 刘洋    micro  women  广东            en  enrolled 04-20  m1-m3 visited+completed, course completed, certificate revoked
 *   L7 @admin  large  no     江苏            zh  enrolled 05-10  m1,m2 visited, m1 completed
 */
const LEARNERS = [
  {
    key: 'L1',
    name: '王芳',
    email: 'fang.wang@example.cn',
    profile: { enterpriseSize: 'small', womenOwned: true, region: '广东', preferredLanguage: 'zh-CN' },
    enrolled: '2025-01-10T09:00:00',
    visited: [1, 2, 3],
    completed: [1, 2, 3],
    courseDone: '2025-01-20T10:00:00',
    certificate: 'valid',
  },
  {
    key: 'L2',
    name: '李娜',
    email: 'na.li@example.cn',
    profile: { enterpriseSize: 'micro', womenOwned: true, region: '浙江', preferredLanguage: 'zh-CN' },
    enrolled: '2025-02-05T09:00:00',
    visited: [1, 2],
    completed: [1, 2],
  },
  {
    key: 'L3',
    name: '=SUM(1+1)',
    email: 'sum@example.org',
    profile: { enterpriseSize: 'medium', womenOwned: false, region: 'Hong Kong, SAR', preferredLanguage: 'en' },
    enrolled: '2025-03-01T00:00:00',
    visited: [1],
    completed: [],
  },
  {
    key: 'L4',
    name: 'Chen "Tiger" Jun',
    email: 'chen@example.org',
    profile: {},
    enrolled: '2025-03-15T12:00:00',
    visited: [],
    completed: [],
  },
  {
    key: 'L5',
    name: '张伟',
    email: 'wei.zhang@example.cn',
    profile: { enterpriseSize: 'small', womenOwned: false, region: '广东', preferredLanguage: 'zh-CN' },
    enrolled: '2025-04-02T08:00:00',
    visited: [],
    completed: [1],
  },
  {
    key: 'L6',
    name: '刘洋',
    email: 'yang.liu@example.cn',
    profile: { enterpriseSize: 'micro', womenOwned: true, region: '广东', preferredLanguage: 'en' },
    enrolled: '2025-04-20T23:59:00',
    visited: [1, 2, 3],
    completed: [1, 2, 3],
    courseDone: '2025-05-01T10:00:00',
    certificate: 'revoked',
  },
  {
    key: 'L7',
    name: '@admin',
    email: 'at@example.org',
    profile: { enterpriseSize: 'large', womenOwned: false, region: '江苏', preferredLanguage: 'zh-CN' },
    enrolled: '2025-05-10T09:00:00',
    visited: [1, 2],
    completed: [1],
  },
] as const;

/** Page views (seconds) per learner and module: medians over learners' totals are m1 180 s (3 min), m2 150 s (2.5). */
const TIMES: [string, number, number][] = [
  ['L1', 1, 60],
  ['L1', 1, 120],
  ['L2', 1, 300],
  ['L3', 1, 30],
  ['L6', 1, 600],
  ['L7', 1, 90],
  ['L7', 1, 90],
  ['L1', 2, 240],
  ['L2', 2, 60],
];

/** Quiz answers [learner, module, attempt, q-choice, q-truth]: choice answer is `a`, truth answer `true`. */
const ATTEMPTS: [string, number, number, string, string][] = [
  ['L1', 1, 1, 'a', 'true'],
  ['L2', 1, 1, 'b', 'true'],
  ['L2', 1, 2, 'a', 'true'],
  ['L5', 1, 1, 'b', 'false'],
  ['L6', 1, 1, 'b', 'true'],
  ['L7', 1, 1, 'b', 'true'],
  ['L1', 2, 1, 'a', 'true'],
  ['L6', 2, 1, 'a', 'false'],
  ['L1', 3, 1, 'a', 'true'],
  ['L6', 3, 1, 'a', 'true'],
];

async function insertFixture(): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const learner of LEARNERS) {
    const user = await User.create({ name: learner.name, email: learner.email, passwordHash: 'not-used', profile: learner.profile });
    const learnerId = user._id;
    ids[learner.key] = String(learnerId);
    const base = { learnerId, courseSlug: COURSE };
    const enrolledAt = at(learner.enrolled);
    const done = 'courseDone' in learner ? at(learner.courseDone) : undefined;
    await Enrolment.create({ ...base, enrolledAt, ...(done ? { completedAt: done, completedVersion: 1 } : {}) });
    for (const n of learner.visited)
      await ModuleVisit.create({ ...base, moduleSlug: `module-${n}`, firstVisitedAt: new Date(enrolledAt.getTime() + n * 3600_000) });
    for (const n of learner.completed)
      await ModuleCompletion.create({
        ...base,
        moduleSlug: `module-${n}`,
        courseVersion: 1,
        completedAt: new Date(enrolledAt.getTime() + n * 7200_000),
      });
    if ('certificate' in learner)
      await Certificate.collection.insertOne({
        learnerId: String(learnerId),
        courseSlug: COURSE,
        status: learner.certificate,
        issuedAt: done ?? enrolledAt,
      });
  }
  for (const [key, n, seconds] of TIMES)
    await ModuleTime.create({ learnerId: new Types.ObjectId(ids[key]), courseSlug: COURSE, moduleSlug: `module-${n}`, seconds });
  for (const [key, n, attemptNumber, choice, truth] of ATTEMPTS) {
    const answers = [
      { questionId: `q${n}-choice`, chosen: [choice], isCorrect: choice === 'a' },
      { questionId: `q${n}-truth`, chosen: [truth], isCorrect: truth === 'true' },
    ];
    const score = (answers.filter((answer) => answer.isCorrect).length / 2) * 100;
    await QuizAttempt.create({
      learnerId: new Types.ObjectId(ids[key]),
      courseSlug: COURSE,
      moduleSlug: `module-${n}`,
      courseVersion: 1,
      attemptNumber,
      submissionKey: `key-${key}-${n}-${attemptNumber}-padding`,
      answers,
      score,
      isPassed: score === 100,
      submittedAt: at(`2025-06-0${n}T10:0${attemptNumber}:00`),
    });
  }
  // Noise that must not count: an enrolment and activity in another course, activity without an enrolment.
  const stranger = new Types.ObjectId();
  await Enrolment.create({ learnerId: new Types.ObjectId(ids.L1), courseSlug: 'other-course', enrolledAt: at('2025-01-01T00:00:00') });
  await ModuleVisit.create({ learnerId: stranger, courseSlug: COURSE, moduleSlug: 'module-1' });
  await ModuleTime.create({ learnerId: stranger, courseSlug: COURSE, moduleSlug: 'module-1', seconds: 3000 });
  return ids;
}

/** The text of a table row whose first cell is `label` (tags stripped, cells joined by |). */
function rowOf(html: string, label: string): string {
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((match) =>
    match[1]!
      .replace(/<[^>]+>/g, '|')
      .replace(/\s*\|[\s|]*/g, '|')
      .replace(/^\||\|$/g, ''),
  );
  const row = rows.find((candidate) => candidate.split('|')[0] === label);
  if (!row) throw new Error(`no row "${label}" in:\n${rows.join('\n')}`);
  return row;
}

describe('reports', () => {
  let test: TestApp;
  let ids: Record<string, string>;
  let trainer: Agent;
  let admin: Agent;
  let users = 0;
  const staff = (role: 'trainer' | 'admin' | 'learner') =>
    signedInUser(test.app, { name: `${role} ${(users += 1)}`, email: `${role}${users}@example.org`, role });

  beforeAll(async () => {
    test = await startTestApp('reports', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 3, passMark: 100 }));
    await importCourses(writeFixtureCourse({ slug: 'other-course', modules: 1 }));
    ids = await insertFixture();
    // Tiny parts, so that search, paging and details cross chunk boundaries even with seven learners.
    await refreshReports({ layout: { rowChunk: 2, emailChunk: 3, detailBucket: 2 } });
    const assigned = await staff('trainer');
    await assignTrainer(COURSE, assigned.id);
    trainer = assigned.agent;
    admin = (await staff('admin')).agent;
  });
  afterAll(() => test.close());

  describe('GET /reports/courses/:slug', () => {
    it('shows the funnel, module drop-off, quiz items and outcomes counted by hand', async () => {
      const page = await trainer.get(BASE).expect(200);
      expect(rowOf(page.text, 'Enrolled')).toBe('Enrolled|7|100%');
      expect(rowOf(page.text, 'Started')).toBe('Started|6|85.7%');
      expect(rowOf(page.text, 'Completed')).toBe('Completed|2|28.6%');
      expect(rowOf(page.text, 'Certified')).toBe('Certified|1|14.3%');
      expect(rowOf(page.text, 'Module 1')).toBe('Module 1|6|5|83.3%|3|5');
      expect(rowOf(page.text, 'Module 2')).toBe('Module 2|4|3|75%|2.5|2');
      expect(rowOf(page.text, 'Module 3')).toBe('Module 3|2|2|100%|—|0');
      const quiz = [...page.text.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '|').replace(/\s*\|[\s|]*/g, '|'));
      expect(quiz.find((row) => row.includes('q1-choice'))).toBe(
        '|Module 1|q1-choice|Question one of module 1|5|5|20%|Wrong option|4|Likely content problem|',
      );
      expect(quiz.find((row) => row.includes('q1-truth'))).toBe('|Module 1|q1-truth|Statement of module 1|5|5|80%|False|1|—|');
      expect(quiz.find((row) => row.includes('q2-truth'))).toBe('|Module 2|q2-truth|Statement of module 2|2|2|50%|False|1|—|');
      expect(quiz.find((row) => row.includes('q2-choice'))).toBe('|Module 2|q2-choice|Question one of module 2|2|2|100%|—|0|—|');
      expect(rowOf(page.text, 'Micro (fewer than 10 employees)')).toBe('Micro (fewer than 10 employees)|2|1|50%');
      expect(rowOf(page.text, 'Large (250 or more)')).toBe('Large (250 or more)|1|0|0%');
      expect(rowOf(page.text, 'Women-owned')).toBe('Women-owned|3|2|66.7%');
      expect(rowOf(page.text, 'Simplified Chinese')).toBe('Simplified Chinese|4|1|25%');
      expect(rowOf(page.text, '广东')).toBe('广东|3|2|66.7%');
      expect(rowOf(page.text, 'Hong Kong, SAR')).toBe('Hong Kong, SAR|1|0|0%');
    });

    it('limits the funnel and outcomes to learners enrolled within ?from=&to= (inclusive UTC days)', async () => {
      const page = await trainer.get(`${BASE}?from=2025-03-01&to=2025-04-20`).expect(200);
      expect(page.text).toContain('Learners who enrolled from 2025-03-01 to 2025-04-20');
      expect(rowOf(page.text, 'Enrolled')).toBe('Enrolled|4|100%');
      expect(rowOf(page.text, 'Started')).toBe('Started|3|75%');
      expect(rowOf(page.text, 'Completed')).toBe('Completed|1|25%');
      expect(rowOf(page.text, 'Certified')).toBe('Certified|0|0%');
      expect(rowOf(page.text, 'Micro (fewer than 10 employees)')).toBe('Micro (fewer than 10 employees)|1|1|100%');
      expect(rowOf(page.text, 'Large (250 or more)')).toBe('Large (250 or more)|0|0|—');
      expect(page.text).not.toContain('浙江');
      const open = await trainer.get(`${BASE}?from=2025-04-21`).expect(200);
      expect(rowOf(open.text, 'Enrolled')).toBe('Enrolled|1|100%');
    });

    it.each([
      ['from=2025-02-30', 'The &#34;from&#34; date must be a real date written as YYYY-MM-DD'],
      ['to=31/03/2025', 'The &#34;to&#34; date must be a real date written as YYYY-MM-DD'],
      ['from=2025-05-01&to=2025-04-01', 'must be on or before'],
      ['from=2025-01-01&from=2025-02-01', 'The &#34;from&#34; date must be a real date'],
    ])('answers 400 with a clear message for %s', async (query, message) => {
      const page = await trainer.get(`${BASE}?${query}`).expect(400);
      expect(page.text).toContain(message);
      const csv = await trainer.get(`${BASE}/funnel.csv?${query}`).set('Accept', 'application/json').expect(400);
      expect(csv.body.error.message).toContain('date');
    });

    it('draws the charts as inline SVG with a title and description, and no inline styles', async () => {
      const page = await trainer.get(BASE).expect(200);
      expect(page.text).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="funnel-chart-title funnel-chart-desc"/);
      expect(page.text).toContain('<title id="funnel-chart-title">Course funnel</title>');
      expect(page.text).toMatch(/<desc id="modules-chart-desc">For each module/);
      expect(page.text).not.toMatch(/\sstyle=/);
      expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    });

    it('is in Chinese for Chinese readers', async () => {
      const page = await trainer.get(BASE).set('Accept-Language', 'zh-CN,zh;q=0.9').expect(200);
      expect(page.text).toContain('课程漏斗');
      expect(page.text).toContain('第 1 单元');
    });
  });

  describe('who may read reports', () => {
    it('lets an admin read every course and a trainer only their own', async () => {
      const list = await admin.get('/reports').expect(200);
      expect(list.text).toContain('Fixture report-fixture');
      expect(list.text).toContain('Fixture other-course');
      await admin.get(BASE).expect(200);
      const mine = await trainer.get('/reports').expect(200);
      expect(mine.text).toContain('Fixture report-fixture');
      expect(mine.text).not.toContain('Fixture other-course');
    });

    it('refuses a trainer of another course (403), a learner (403), and sends visitors to sign in', async () => {
      const other = await staff('trainer');
      await assignTrainer('other-course', other.id);
      for (const url of [BASE, `${BASE}/funnel.csv`, `${BASE}/learners`, `${BASE}/learners.csv`, `${BASE}/learners/${ids.L1}`])
        await other.agent.get(url).expect(403);
      await other.agent.get('/reports/courses/other-course').expect(200);
      const learner = await staff('learner');
      expect((await learner.agent.get('/dashboard').expect(200)).text).not.toContain('href="/reports"');
      expect((await trainer.get('/reports').expect(200)).text).toContain('<a href="/reports" aria-current="page">Reports</a>');
      await learner.agent.get('/reports').expect(403);
      await learner.agent.get(BASE).expect(403);
      const visitor = await newAgent(test.app).get(BASE).expect(303);
      expect(visitor.headers.location).toBe(`/login?next=${encodeURIComponent(BASE)}`);
    });

    it('answers 404 for a course that does not exist (admin) and 403 to a trainer', async () => {
      await admin.get('/reports/courses/no-such-course').expect(404);
      await trainer.get('/reports/courses/no-such-course').expect(403);
    });
  });

  describe('CSV exports', () => {
    it('writes UTF-8 with a BOM, Chinese intact, quotes and commas escaped, formulas neutralised', async () => {
      const response = await trainer
        .get(`${BASE}/learners.csv`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${COURSE}-learners.csv"`);
      const bytes = response.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).toBe(
        'Name,Email,Enterprise size,Women-owned business,Province or region,Preferred language,Enrolled on,Modules completed,Reading time (minutes),Completed on,Certificate',
      );
      expect(lines).toContain(
        '\'=SUM(1+1),sum@example.org,Medium (50 to 249),Not women-owned,"Hong Kong, SAR",English,2025-03-01,0,0.5,,No',
      );
      expect(lines).toContain("'@admin,at@example.org,Large (250 or more),Not women-owned,江苏,Simplified Chinese,2025-05-10,1,3,,No");
      expect(lines).toContain('"Chen ""Tiger"" Jun",chen@example.org,Not stated,Not stated,Not stated,Not stated,2025-03-15,0,0,,No');
      expect(lines).toContain(
        '王芳,fang.wang@example.cn,Small (10 to 49),Women-owned,广东,Simplified Chinese,2025-01-10,3,7,2025-01-20,Yes',
      );
      expect(lines.filter(Boolean)).toHaveLength(8);
    });

    it('exports every table of the page, the range included', async () => {
      const funnel = await trainer.get(`${BASE}/funnel.csv?from=2025-03-01&to=2025-04-20`).expect(200);
      expect(funnel.headers['content-disposition']).toContain('report-fixture-funnel-2025-03-01-to-2025-04-20.csv');
      expect(funnel.text).toBe(
        '\uFEFFStep,Learners,% of enrolled\r\nEnrolled,4,100\r\nStarted,3,75\r\nCompleted,1,25\r\nCertified,0,0\r\n',
      );
      const modules = await trainer.get(`${BASE}/modules.csv`).expect(200);
      expect(modules.text).toContain('Module 1,6,5,83.3,3,5\r\n');
      const quiz = await trainer.get(`${BASE}/quiz.csv`).set('Accept-Language', 'zh-CN').expect(200);
      expect(quiz.text).toContain('第 1 单元,q1-choice,第 1 单元第一题,5,5,20,错误选项,4,可能存在内容问题\r\n');
      const outcomes = await trainer.get(`${BASE}/outcomes.csv`).expect(200);
      expect(outcomes.text).toContain('Province or region,"Hong Kong, SAR",1,0,0\r\n');
      expect(outcomes.text).toContain('Enterprise size,Not stated,1,0,0\r\n');
    });
  });
});
