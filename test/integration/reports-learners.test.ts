import { Types } from 'mongoose';
import { User } from '../../src/accounts/user.model';
import { assignTrainer } from '../../src/access/course-access';
import { importCourses } from '../../src/courses/course-importer';
import { Enrolment } from '../../src/learning/enrolment.model';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { ModuleTime, ModuleVisit } from '../../src/learning/module-activity.model';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { isRefreshing, loadSnapshot, refreshReports } from '../../src/reports/report-build';
import { readHead } from '../../src/reports/report-store';
import { openCourseReport } from '../../src/reports/reports.service';
import { csrfFrom, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'cohort';
const BASE = `/reports/courses/${COURSE}/learners`;
const SIZES = ['micro', 'small', 'medium', 'large'] as const;

/**
 * 120 learners "Learner 000" to "Learner 119" (learner N: size SIZES[N % 4], women-owned when N % 3 === 0, region
 * 广东 when N is even else 浙江, completed when N % 5 === 0), plus three named ones for search.
 */
async function insertCohort(): Promise<Record<string, string>> {
  const users = Array.from({ length: 120 }, (_, n) => ({
    name: `Learner ${String(n).padStart(3, '0')}`,
    email: `learner${n}@cohort.example.org`,
    passwordHash: 'not-used',
    profile: { enterpriseSize: SIZES[n % 4], womenOwned: n % 3 === 0, region: n % 2 === 0 ? '广东' : '浙江', preferredLanguage: 'zh-CN' },
  }));
  users.push(
    { name: '王小明', email: 'xm.wang@example.cn', passwordHash: 'not-used', profile: {} as never },
    { name: '王芳', email: 'fang@example.cn', passwordHash: 'not-used', profile: {} as never },
    { name: 'Zoë Ｗang', email: 'zoe@example.org', passwordHash: 'not-used', profile: {} as never },
  );
  const created = await User.insertMany(users);
  const ids = Object.fromEntries(created.map((user) => [user.name, String(user._id)]));
  await Enrolment.insertMany(
    created.map((user, n) => ({
      learnerId: user._id,
      courseSlug: COURSE,
      enrolledAt: new Date(Date.UTC(2025, 0, 1 + (n % 28))),
      ...(n < 120 && n % 5 === 0 ? { completedAt: new Date(Date.UTC(2025, 2, 1)), completedVersion: 1 } : {}),
    })),
  );
  const wang = new Types.ObjectId(ids['王小明']);
  const base = { learnerId: wang, courseSlug: COURSE };
  await ModuleVisit.create({ ...base, moduleSlug: 'module-1', firstVisitedAt: new Date('2025-02-01T08:00:00Z') });
  await ModuleVisit.create({ ...base, moduleSlug: 'module-2', firstVisitedAt: new Date('2025-02-02T08:00:00Z') });
  await ModuleCompletion.create({ ...base, moduleSlug: 'module-1', courseVersion: 1, completedAt: new Date('2025-02-01T09:30:00Z') });
  await ModuleTime.create({ ...base, moduleSlug: 'module-1', seconds: 300 });
  await ModuleTime.create({ ...base, moduleSlug: 'module-1', seconds: 240 });
  for (const [attemptNumber, score] of [
    [1, 50],
    [2, 100],
  ] as const) {
    const answers = [
      { questionId: 'q1-choice', chosen: [score === 100 ? 'a' : 'b'], isCorrect: score === 100 },
      { questionId: 'q1-truth', chosen: ['true'], isCorrect: true },
    ];
    await QuizAttempt.create({
      ...base,
      moduleSlug: 'module-1',
      courseVersion: 1,
      attemptNumber,
      submissionKey: `wang-attempt-${attemptNumber}-padding`,
      answers,
      score,
      isPassed: score === 100,
      submittedAt: new Date(`2025-02-01T10:0${attemptNumber}:00Z`),
    });
  }
  return ids;
}

const names = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a><\/th>/g)].map((match) => match[1]);

describe('learner reports', () => {
  let test: TestApp;
  let ids: Record<string, string>;
  let trainer: Agent;

  beforeAll(async () => {
    test = await startTestApp('reports_learners', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 2 }));
    ids = await insertCohort();
    // Parts far smaller than in production, so that every lookup crosses chunk boundaries.
    await refreshReports({ layout: { rowChunk: 7, emailChunk: 5, detailBucket: 4 } });
    const assigned = await signedInUser(test.app, { name: 'Trainer', email: 'trainer@example.org', role: 'trainer' });
    await assignTrainer(COURSE, assigned.id);
    trainer = assigned.agent;
  });
  afterAll(() => test.close());

  describe('GET /reports/courses/:slug/learners', () => {
    it('pages 50 at a time in a stable name order, and clamps a page past the end', async () => {
      const first = await trainer.get(BASE).expect(200);
      expect(first.text).toContain('123 learners match. Page 1 of 3.');
      expect(names(first.text)).toEqual(Array.from({ length: 50 }, (_, n) => `Learner ${String(n).padStart(3, '0')}`));
      const third = await trainer.get(`${BASE}?page=3`).expect(200);
      expect(names(third.text)).toEqual([
        ...Array.from({ length: 20 }, (_, n) => `Learner ${String(n + 100).padStart(3, '0')}`),
        'Zoë Ｗang',
        '王小明',
        '王芳',
      ]);
      expect(third.text).toContain(`href="${BASE}?page=2" rel="prev"`);
      const beyond = await trainer.get(`${BASE}?page=99`).expect(200);
      expect(beyond.text).toContain('Page 3 of 3.');
    });

    it('searches by the start of the name or the email, ignoring case and width', async () => {
      expect(names((await trainer.get(`${BASE}?q=${encodeURIComponent('王')}`).expect(200)).text)).toEqual(['王小明', '王芳']);
      expect(names((await trainer.get(`${BASE}?q=XM.`).expect(200)).text)).toEqual(['王小明']);
      expect(names((await trainer.get(`${BASE}?q=${encodeURIComponent('zoë w')}`).expect(200)).text)).toEqual(['Zoë Ｗang']);
      expect(names((await trainer.get(`${BASE}?q=learner11`).expect(200)).text)).toEqual([
        'Learner 011',
        'Learner 110',
        'Learner 111',
        'Learner 112',
        'Learner 113',
        'Learner 114',
        'Learner 115',
        'Learner 116',
        'Learner 117',
        'Learner 118',
        'Learner 119',
      ]);
      expect(names((await trainer.get(`${BASE}?q=Learner%20119`).expect(200)).text)).toEqual(['Learner 119']);
      const none = await trainer.get(`${BASE}?q=nobody`).expect(200);
      expect(none.text).toContain('No learner matches these filters.');
    });

    it('filters by enterprise size, women-owned, region and completion, combined with search', async () => {
      const count = async (query: string) => /(\d+) learners match/.exec((await trainer.get(`${BASE}?${query}`).expect(200)).text)?.[1];
      expect(await count('size=micro')).toBe('30');
      expect(await count('size=unknown')).toBe('3');
      expect(await count('women=yes')).toBe('40');
      expect(await count('women=unknown')).toBe('3');
      expect(await count(`region=${encodeURIComponent('广东')}`)).toBe('60');
      expect(await count('region=__none__')).toBe('3');
      expect(await count('region=Atlantis')).toBe('0');
      expect(await count('completed=yes')).toBe('24');
      expect(await count(`completed=yes&women=yes&region=${encodeURIComponent('广东')}`)).toBe('4');
      expect(await count('size=micro&q=learner1')).toBe('7');
    });

    it('answers 400 for values the form does not offer', async () => {
      expect((await trainer.get(`${BASE}?size=huge`).expect(400)).text).toContain('not offered');
      expect((await trainer.get(`${BASE}?page=0`).expect(400)).text).toContain('page number');
      expect((await trainer.get(`${BASE}?q=${'x'.repeat(101)}`).expect(400)).text).toContain('at most 100 characters');
    });

    it('exports the filtered table as CSV', async () => {
      const csv = await trainer.get(`${BASE}.csv?completed=yes&size=micro`).expect(200);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines).toHaveLength(1 + 6);
      expect(lines[1]).toMatch(/^Learner 000,learner0@cohort\.example\.org,Micro/);
    });
  });

  describe('GET /reports/courses/:slug/learners/:id', () => {
    it("shows one learner's modules, quiz attempts and reading time", async () => {
      const page = await trainer.get(`${BASE}/${ids['王小明']}`).expect(200);
      expect(page.text).toContain('Learner: 王小明');
      expect(page.text).toContain('Total reading time: 9 minutes.');
      expect(page.text).toMatch(/Module 1<\/th>\s*<td>2025-02-01 08:00<\/td>\s*<td>2025-02-01 09:30<\/td>\s*<td>9<\/td>\s*<td>2<\/td>/);
      expect(page.text).toMatch(/Module 2<\/th>\s*<td>2025-02-02 08:00<\/td>\s*<td>—<\/td>/);
      expect(page.text).toMatch(/Module 1<\/th>\s*<td>1<\/td>\s*<td>50<\/td>\s*<td>No<\/td>/);
      expect(page.text).toMatch(/Module 1<\/th>\s*<td>2<\/td>\s*<td>100<\/td>\s*<td>Yes<\/td>/);
      const attempts = await trainer.get(`${BASE}/${ids['王小明']}/attempts.csv`).expect(200);
      expect(attempts.text).toBe(
        '\uFEFFModule,Attempt,Score (%),Passed,Submitted\r\nModule 1,1,50,No,2025-02-01 10:01\r\nModule 1,2,100,Yes,2025-02-01 10:02\r\n',
      );
    });

    it('finds every learner in their bucket, and answers 404 for someone not enrolled', async () => {
      for (const name of ['Learner 000', 'Learner 057', 'Learner 119', '王芳']) {
        const page = await trainer.get(`${BASE}/${ids[name]}`).expect(200);
        expect(page.text).toContain(`Learner: ${name}`);
      }
      await trainer.get(`${BASE}/${new Types.ObjectId().toHexString()}`).expect(404);
      await trainer.get(`${BASE}/not-an-id`).expect(404);
    });
  });

  describe('snapshot freshness', () => {
    const options = {
      waitMs: 0,
      onBackgroundError: (error: unknown) => {
        throw error;
      },
    };

    it('answers "preparing" while a first build is slower than the wait, then serves the built report', async () => {
      await importCourses(writeFixtureCourse({ slug: 'late-course', modules: 1 }));
      const admin = { id: new Types.ObjectId().toHexString(), role: 'admin' as const };
      expect((await openCourseReport(admin, 'late-course', options)).state).toBe('preparing');
      await refreshReports();
      expect((await openCourseReport(admin, 'late-course', options)).state).toBe('ready');
    });

    it('serves a stale snapshot and refreshes it in the background', async () => {
      const before = (await readHead(COURSE))!.current!.snapshotId;
      const state = await loadSnapshot(COURSE, { ...options, now: Date.now() + 16 * 60 * 1000 });
      expect(state.state === 'ready' && state.isStale).toBe(true);
      expect(state.state === 'ready' && state.snapshot.parts.snapshotId).toBe(before);
      // The background refresh (claimed for this minute across processes) publishes a new snapshot.
      for (let tries = 0; tries < 100 && (await readHead(COURSE))!.current!.snapshotId === before; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await readHead(COURSE))!.current!.snapshotId).not.toBe(before);
      while (isRefreshing()) await new Promise((resolve) => setTimeout(resolve, 20));
    });

    it('rebuilds on request (POST, CSRF-protected) and says so', async () => {
      const page = await trainer.get(`/reports/courses/${COURSE}`).expect(200);
      await trainer.post(`/reports/courses/${COURSE}/refresh`).type('form').send({}).expect(403);
      const done = await trainer
        .post(`/reports/courses/${COURSE}/refresh`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303);
      expect(done.headers.location).toBe(`/reports/courses/${COURSE}?updating=1`);
      expect((await trainer.get(String(done.headers.location)).expect(200)).text).toContain('The figures are being updated.');
      await refreshReports();
    });
  });
});
