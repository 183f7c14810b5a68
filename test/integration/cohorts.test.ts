import { Types } from 'mongoose';
import { User } from '../../src/accounts/user.model';
import { databaseCommandCounts } from '../../src/db/connection';
import { assignTrainer } from '../../src/access/course-access';
import { AuditEntry } from '../../src/audit/audit.model';
import { issueCertificate } from '../../src/certificates/certificates.service';
import { ReadinessResult } from '../../src/readiness/readiness-result.model';
import { Cohort, CohortMember, CohortReminder } from '../../src/cohorts/cohort.model';
import { parseAddresses } from '../../src/cohorts/cohorts.schemas';
import { isoWeekOf } from '../../src/cohorts/cohort-roster.service';
import { importCourses } from '../../src/courses/course-importer';
import { LearnerFact } from '../../src/learning/learner-fact.model';
import { recordModuleCompletion } from '../../src/learning/progress.service';
import { refreshReports } from '../../src/reports/report-build';
import { csrfFrom, linkIn, newAgent, readMails, registerUser, tokenFor, waitForMail, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'cohort-course';
const OTHER_COURSE = 'cohort-other';
const DAY = 24 * 3600 * 1000;
const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

let t: TestApp;
let trainer: { agent: Agent; id: string };
let otherTrainer: { agent: Agent; id: string };
let admin: { agent: Agent; id: string };
let li: { agent: Agent; id: string };
let wang: { agent: Agent; id: string };
let zhao: { agent: Agent; id: string };
const seen = new Set<string>();

/** Posts a form with the session's CSRF token; `.expect(status)` checks the status like supertest's. */
function post(agent: Agent, url: string, form: Record<string, string | string[]> = {}, pageForToken = '/dashboard') {
  const sent = tokenFor(agent, pageForToken).then(async (csrf) =>
    agent
      .post(url)
      .type('form')
      .send({ _csrf: csrf, ...form }),
  );
  return Object.assign(sent, {
    expect: async (status: number) => {
      const response = await sent;
      expect(response.status).toBe(status);
      return response;
    },
  });
}

async function createCohort(agent: Agent, form: Record<string, string | string[]>): Promise<string> {
  const response = await post(agent, '/cohorts/new', form, '/cohorts/new').expect(303);
  const match = /^\/cohorts\/([0-9a-f]{24})$/.exec(response.headers.location as string);
  if (!match?.[1]) throw new Error(`unexpected redirect ${String(response.headers.location)}`);
  return match[1];
}

async function joinCodeOf(agent: Agent, cohortId: string): Promise<string> {
  const page = await agent.get(`/cohorts/${cohortId}`).expect(200);
  const match = /\/join\/([A-Za-z0-9_-]{22})"/.exec(page.text);
  if (!match?.[1]) throw new Error('no join link on the cohort page');
  return match[1];
}

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  t = await startTestApp('cohorts', { TRUST_PROXY: 'true' });
  const root = writeFixtureCourse({ slug: COURSE, modules: 2, quizzes: false });
  writeFixtureCourse({ slug: OTHER_COURSE, modules: 1, quizzes: false, root });
  await importCourses(root);
  trainer = await signedInUser(t.app, { name: 'Chen Trainer', email: 'chen.trainer@example.org', role: 'trainer' });
  otherTrainer = await signedInUser(t.app, { name: 'Zhou Trainer', email: 'zhou.trainer@example.org', role: 'trainer' });
  admin = await signedInUser(t.app, { name: 'Ada Admin', email: 'ada.admin@example.org', role: 'admin' });
  li = await signedInUser(t.app, { name: 'Li Na', email: 'li.na@example.org' });
  wang = await signedInUser(t.app, { name: 'Wang Fang', email: 'wang.fang@example.org' });
  zhao = await signedInUser(t.app, { name: 'Zhao Lei', email: 'zhao.lei@example.org' });
  await assignTrainer(COURSE, trainer.id);
  await assignTrainer(OTHER_COURSE, otherTrainer.id);
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('parseAddresses', () => {
  it('reads cells with an @ from pasted text or CSV, lower-cases, dedupes and reports bad ones', () => {
    const parsed = parseAddresses('email,name\n"Li.Na@Example.org",Li Na\nli.na@example.org; x@y\nwang@example.cn');
    expect(parsed.addresses).toEqual(['li.na@example.org', 'wang@example.cn']);
    expect(parsed.invalid).toEqual(['x@y']);
  });
});

describe('creating cohorts and who may see them', () => {
  let cohortId: string;

  it('a trainer creates a cohort of their course; bad input is answered 422 with the values kept', async () => {
    const bad = await post(
      trainer.agent,
      '/cohorts/new',
      { name: 'Spring', courses: COURSE, startsOn: '2026-02-30', endsOn: '' },
      '/cohorts/new',
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Enter the start date as YYYY-MM-DD.');
    expect(bad.text).toContain('value="Spring"');
    const forbidden = await post(
      trainer.agent,
      '/cohorts/new',
      { name: 'X', courses: OTHER_COURSE, startsOn: today(), endsOn: inDays(30) },
      '/cohorts/new',
    );
    expect(forbidden.status).toBe(403);
    cohortId = await createCohort(trainer.agent, { name: 'Spring 2026 <b>', courses: COURSE, startsOn: today(), endsOn: inDays(60) });
    const list = await trainer.agent.get('/cohorts').expect(200);
    expect(list.text).toContain('Spring 2026 &lt;b&gt;');
    const page = await trainer.agent.get(`/cohorts/${cohortId}`).expect(200);
    expect(page.text).toContain('/join/');
  });

  it('another trainer and learners cannot see or change it; an admin can', async () => {
    expect((await otherTrainer.agent.get('/cohorts')).text).not.toContain('Spring 2026');
    await otherTrainer.agent.get(`/cohorts/${cohortId}`).expect(403);
    await otherTrainer.agent.get(`/cohorts/${cohortId}/members.csv`).expect(403);
    expect((await post(otherTrainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'a@example.org' })).status).toBe(403);
    expect((await post(otherTrainer.agent, `/cohorts/${cohortId}/link/close`)).status).toBe(403);
    await li.agent.get('/cohorts').expect(403);
    await li.agent.get(`/cohorts/${cohortId}`).expect(403);
    await admin.agent.get(`/cohorts/${cohortId}`).expect(200);
    await trainer.agent.get(`/cohorts/${new Types.ObjectId().toHexString()}`).expect(404);
  });
});

describe('joining by link', () => {
  it('a learner joins by link; unknown, closed and expired codes answer 404', async () => {
    const cohortId = await createCohort(trainer.agent, { name: 'Link cohort', courses: COURSE, startsOn: today(), endsOn: inDays(30) });
    const code = await joinCodeOf(trainer.agent, cohortId);
    const anonymous = await newAgent(t.app).get(`/join/${code}`).expect(200);
    expect(anonymous.text).toContain('Sign in to join');
    expect(anonymous.text).toContain(`/login?next=${encodeURIComponent(`/join/${code}`)}`);
    const page = await li.agent.get(`/join/${code}`).expect(200);
    expect(page.text).toContain('Join the cohort');
    await li.agent
      .post(`/join/${code}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303)
      .expect('Location', '/dashboard');
    expect(await CohortMember.countDocuments({ cohortId, userId: li.id })).toBe(1);
    // Joining twice keeps one membership; the learner is enrolled in the cohort's course.
    await post(li.agent, `/join/${code}`).expect(303);
    expect(await CohortMember.countDocuments({ cohortId, userId: li.id })).toBe(1);
    expect(await LearnerFact.countDocuments({ learnerId: new Types.ObjectId(li.id), courseSlug: COURSE, kind: 'enrolment' })).toBe(1);
    const dashboard = await li.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Your cohorts');
    expect(dashboard.text).toContain('Link cohort');
    expect(dashboard.text).toContain(`${today()} to ${inDays(30)}`);

    await li.agent.get(`/join/${'A'.repeat(22)}`).expect(404);
    await li.agent.get('/join/short').expect(404);
    await post(trainer.agent, `/cohorts/${cohortId}/link/close`).expect(303);
    await li.agent.get(`/join/${code}`).expect(404);
    expect((await post(wang.agent, `/join/${code}`)).status).toBe(404);
    await post(trainer.agent, `/cohorts/${cohortId}/link/rotate`).expect(303);
    const newCode = await joinCodeOf(trainer.agent, cohortId);
    expect(newCode).not.toBe(code);
    await wang.agent.get(`/join/${newCode}`).expect(200);
    await li.agent.get(`/join/${code}`).expect(404);

    const ended = await createCohort(trainer.agent, { name: 'Ended', courses: COURSE, startsOn: inDays(-30), endsOn: inDays(-1) });
    await wang.agent.get(`/join/${await joinCodeOf(trainer.agent, ended)}`).expect(404);
    const early = await createCohort(trainer.agent, {
      name: 'Link closed early',
      courses: COURSE,
      startsOn: today(),
      endsOn: inDays(30),
      linkExpiresOn: inDays(-1),
    });
    await wang.agent.get(`/join/${await joinCodeOf(trainer.agent, early)}`).expect(404);
  });
});

describe('inviting by e-mail', () => {
  let cohortId: string;

  beforeAll(async () => {
    cohortId = await createCohort(trainer.agent, { name: 'Invited cohort', courses: COURSE, startsOn: today(), endsOn: inDays(40) });
  });

  it('answers identically for an address with an account and one without (no enumeration)', async () => {
    const known = await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'Wang.Fang@example.org' });
    const unknown = await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'newcomer@example.org' });
    expect(known.status).toBe(303);
    expect({ status: unknown.status, location: unknown.headers.location, body: unknown.text }).toEqual({
      status: known.status,
      location: known.headers.location,
      body: known.text,
    });
    const page = await trainer.agent.get(unknown.headers.location as string).expect(200);
    expect(page.text).toContain('1 invited.');

    // Known: added and told. Unknown: an invitation to register, which adds them when they confirm.
    const added = await waitForMail(t.config.dataDir, 'wang.fang@example.org', seen);
    expect(added.subject).toContain('You were added to the cohort');
    expect(
      await until(
        () => CohortMember.countDocuments({ cohortId, userId: wang.id }),
        (n) => n === 1,
      ),
    ).toBe(1);
    const invitation = await waitForMail(t.config.dataDir, 'newcomer@example.org', seen);
    expect(invitation.subject).toContain('Invitation to the cohort');
    expect(invitation.text).toContain('/register');

    const newcomer = newAgent(t.app);
    await registerUser(
      newcomer,
      t.config.dataDir,
      { name: 'New Comer', email: 'newcomer@example.org', password: 'a long enough password 1' },
      seen,
    );
    const member = await CohortMember.find({ cohortId }).lean();
    expect(member).toHaveLength(2);
    const dashboard = await newcomer.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Invited cohort');
  });

  it('an existing user signing in through the invitation link joins', async () => {
    await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'other-address@example.org' }).expect(303);
    const mail = await waitForMail(t.config.dataDir, 'other-address@example.org', seen);
    const link = linkIn(mail, '/invitations/');
    const anonymous = await newAgent(t.app).get(link).expect(200);
    expect(anonymous.text).toContain('Sign in to join');
    const page = await zhao.agent.get(link).expect(200);
    await zhao.agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(await CohortMember.countDocuments({ cohortId, userId: zhao.id })).toBe(1);
    // Spent: the link no longer opens.
    await zhao.agent.get(link).expect(404);
    await zhao.agent.get(`/invitations/${'x'.repeat(43)}`).expect(404);
  });

  it('reads the addresses of an uploaded CSV file; a binary file is refused with 422', async () => {
    const csrf = await tokenFor(trainer.agent, `/cohorts/${cohortId}`);
    const url = `/cohorts/${cohortId}/invite/csv?_csrf=${encodeURIComponent(csrf)}`;
    const csv = Buffer.from('\uFEFFname,email\r\nCSV Person,csv.person@example.org\r\n');
    const sent = await trainer.agent.post(url).attach('file', csv, { filename: 'learners.csv', contentType: 'text/csv' }).expect(303);
    expect(sent.headers.location).toBe(`/cohorts/${cohortId}?done=invited&count=1`);
    const mail = await waitForMail(t.config.dataDir, 'csv.person@example.org', seen);
    expect(mail.subject).toContain('Invitation to the cohort');
    const binary = await trainer.agent
      .post(url)
      .attach('file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]), { filename: 'x.csv', contentType: 'text/csv' });
    expect(binary.status).toBe(422);
    expect(binary.text).toContain('Choose a CSV or text file of at most 200 KB.');
  });

  it('refuses invalid addresses with 422 and keeps the text; more than 500 are refused', async () => {
    const bad = await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'ok@example.org, broken@' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('These are not valid e-mail addresses: broken@');
    expect(bad.text).toContain('ok@example.org, broken@</textarea>');
    const many = Array.from({ length: 501 }, (_, i) => `p${i}@example.org`).join('\n');
    const tooMany = await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: many });
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain('At most 500 addresses at a time.');
    const none = await post(trainer.agent, `/cohorts/${cohortId}/invite`, { emails: 'no addresses here' });
    expect(none.status).toBe(422);
  });
});

describe('the roster', () => {
  let cohortId: string;
  let serial: string;

  beforeAll(async () => {
    cohortId = await createCohort(trainer.agent, { name: 'Roster cohort', courses: COURSE, startsOn: today(), endsOn: inDays(40) });
    const code = await joinCodeOf(trainer.agent, cohortId);
    for (const who of [li, wang, zhao]) await post(who.agent, `/join/${code}`).expect(303);
    await recordModuleCompletion(li.id, COURSE, 'module-1', 1);
    await recordModuleCompletion(li.id, COURSE, 'module-2', 1);
    ({ serial } = (
      await issueCertificate({ learnerId: li.id, courseSlug: COURSE, courseVersion: 1, completedAt: new Date() })
    ).certificate);
    await ReadinessResult.create({
      userId: new Types.ObjectId(li.id),
      attemptKey: 'roster-test',
      takenAt: new Date(),
      fileHash: 'test',
      answers: [],
      areas: [],
      overall: 55,
      level: 'getting-ready',
    });
    // Wang: joined and last active 20 days ago (stuck); Zhao: joined 20 days ago but active today.
    const old = new Date(Date.now() - 20 * DAY);
    const oldMinute = Math.floor(old.getTime() / 60_000);
    await CohortMember.collection.updateMany(
      { userId: { $in: [new Types.ObjectId(wang.id), new Types.ObjectId(zhao.id)] } },
      { $set: { joinedAt: old } },
    );
    await LearnerFact.collection.updateMany(
      { learnerId: new Types.ObjectId(wang.id) },
      { $set: { addedMinute: oldMinute, enrolledAt: old } },
    );
    await LearnerFact.collection.updateMany({ learnerId: new Types.ObjectId(zhao.id) }, { $set: { enrolledAt: old } });
  });

  it('shows progress per course, last activity, stuck, certificates; sorts', async () => {
    const page = await trainer.agent.get(`/cohorts/${cohortId}`).expect(200);
    const rowOf = (name: string) => new RegExp(`<tr[^>]*>\\s*<th scope="row">${name}[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    expect(rowOf('Li Na')).toContain('100%');
    expect(rowOf('Li Na')).toContain(serial);
    expect(rowOf('Li Na')).not.toContain('Stuck');
    expect(rowOf('Wang Fang')).toContain('Stuck (no activity for 14 days)');
    expect(rowOf('Wang Fang')).toContain('is-stuck');
    expect(rowOf('Wang Fang')).toContain('0%');
    expect(rowOf('Zhao Lei')).not.toContain('Stuck');
    expect(page.text).toContain('1 stuck');
    const byName = [...page.text.matchAll(/<th scope="row">([^<]+)<br>/g)].map((m) => m[1]);
    expect(byName).toEqual(['Li Na', 'Wang Fang', 'Zhao Lei']);
    const byProgress = await trainer.agent.get(`/cohorts/${cohortId}?sort=activity&dir=asc`).expect(200);
    expect([...byProgress.text.matchAll(/<th scope="row">([^<]+)<br>/g)].map((m) => m[1])[0]).toBe('Wang Fang');
    const desc = await trainer.agent.get(`/cohorts/${cohortId}?sort=progress&dir=desc`).expect(200);
    expect([...desc.text.matchAll(/<th scope="row">([^<]+)<br>/g)].map((m) => m[1])[0]).toBe('Li Na');
    await trainer.agent.get(`/cohorts/${cohortId}?sort=bogus`).expect(400);
  });

  it('exports the roster as CSV', async () => {
    const csv = await trainer.agent.get(`/cohorts/${cohortId}/members.csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Learner,E-mail,Progress: Fixture cohort-course,Average progress,Last activity,Stuck,Certificates,Readiness');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      new RegExp(`^Li Na,li\\.na@example\\.org,100,100,\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d,no,${serial},getting-ready$`),
    );
    expect(lines[2]).toMatch(/^Wang Fang,wang\.fang@example\.org,0,0,[^,]+,yes,,$/);
  });

  it('removes a member, audited', async () => {
    await post(trainer.agent, `/cohorts/${cohortId}/members/${zhao.id}/remove`).expect(303);
    expect(await CohortMember.countDocuments({ cohortId, userId: zhao.id })).toBe(0);
    const audit = await AuditEntry.findOne({ action: 'cohort.member.remove', targetId: cohortId }).lean();
    expect(audit?.actorId).toBe(trainer.id);
    expect(audit?.before).toMatchObject({ userId: zhao.id });
    await post(trainer.agent, `/cohorts/${cohortId}/members/${zhao.id}/remove`).expect(404);
    expect((await post(otherTrainer.agent, `/cohorts/${cohortId}/members/${li.id}/remove`)).status).toBe(403);
  });

  it('filters the outcomes report by cohort; trainers see only their own cohorts in the filter', async () => {
    const adminCohort = await createCohort(admin.agent, {
      name: 'Admin-only cohort',
      courses: COURSE,
      startsOn: today(),
      endsOn: inDays(9),
    });
    await refreshReports();
    const enrolledIn = (csv: string) => {
      const rows = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .slice(1);
      return rows.reduce((sum, line) => sum + Number(line.split(',')[2]), 0) / 4; // four breakdowns of the same learners
    };
    const everyone = enrolledIn((await trainer.agent.get(`/reports/courses/${COURSE}/outcomes.csv`).expect(200)).text);
    const members = enrolledIn((await trainer.agent.get(`/reports/courses/${COURSE}/outcomes.csv?cohort=${cohortId}`).expect(200)).text);
    expect(members).toBe(2); // Li Na and Wang Fang (Zhao Lei was removed)
    expect(everyone).toBeGreaterThan(members);
    const page = await trainer.agent.get(`/reports/courses/${COURSE}?cohort=${cohortId}`).expect(200);
    expect(page.text).toContain('Outcomes of the members of the cohort Roster cohort only.');
    expect(page.text).toContain(`<option value="${cohortId}" selected>Roster cohort</option>`);
    expect(page.text).not.toContain('Admin-only cohort');
    await trainer.agent.get(`/reports/courses/${COURSE}?cohort=${adminCohort}`).expect(403);
    await trainer.agent.get(`/reports/courses/${COURSE}?cohort=nonsense`).expect(400);
    expect((await admin.agent.get(`/reports/courses/${COURSE}`).expect(200)).text).toContain('Admin-only cohort');
  });

  it('filters the readiness report by cohort', async () => {
    const csv = await trainer.agent.get(`/reports/readiness.csv?cohort=${cohortId}`).expect(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // The first row is everyone selected: of the two members only Li Na has taken the readiness check.
    expect(lines[1]!.split(',')[2]).toBe('1');
    const page = await trainer.agent.get(`/reports/readiness?cohort=${cohortId}`).expect(200);
    expect(page.text).toContain(`<option value="${cohortId}" selected>Roster cohort</option>`);
    await otherTrainer.agent.get(`/reports/readiness?cohort=${cohortId}`).expect(403);
    await trainer.agent.get('/reports/readiness?cohort=nonsense').expect(400);
  });

  it('previews the reminder, sends it once a week at most even when 10 sends race', async () => {
    const preview = await trainer.agent.get(`/cohorts/${cohortId}/reminders`).expect(200);
    expect(preview.text).toContain('wang.fang@example.org');
    expect(preview.text).not.toContain('li.na@example.org');
    expect(preview.text).toContain('Continue your courses in Roster cohort');
    const before = readMails(t.config.dataDir).filter((mail) => mail.to === 'wang.fang@example.org').length;
    const csrf = await tokenFor(trainer.agent, `/cohorts/${cohortId}/reminders`);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => trainer.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send({ _csrf: csrf })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(303));
    const sentCounts = responses.map((r) => Number(/count=(\d+)/.exec(r.headers.location as string)?.[1]));
    expect(sentCounts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await CohortReminder.countDocuments({ userId: new Types.ObjectId(wang.id), isoWeek: isoWeekOf(new Date()) })).toBe(1);
    await waitForMail(t.config.dataDir, 'wang.fang@example.org', seen);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readMails(t.config.dataDir).filter((mail) => mail.to === 'wang.fang@example.org').length).toBe(before + 1);
    const again = await post(trainer.agent, `/cohorts/${cohortId}/reminders`, {}, `/cohorts/${cohortId}/reminders`).expect(303);
    expect(again.headers.location).toContain('count=0');
    const after = await trainer.agent.get(`/cohorts/${cohortId}/reminders`).expect(200);
    expect(after.text).toContain('Already reminded this week');
  });

  it('reads the roster in a number of database round trips that does not grow with the members', async () => {
    const count = async () => {
      await trainer.agent.get(`/cohorts/${cohortId}`).expect(200); // warm: session and course caches
      const before = databaseCommandCounts().total;
      await trainer.agent.get(`/cohorts/${cohortId}`).expect(200);
      return databaseCommandCounts().total - before;
    };
    const few = await count();
    const cohort = await Cohort.findById(cohortId).lean();
    const users = await User.insertMany(
      Array.from({ length: 12 }, (_, i) => ({ name: `Extra ${i}`, email: `extra${i}@example.org`, passwordHash: 'not-used' })),
    );
    await CohortMember.insertMany(
      users.map((user) => ({
        cohortId: cohort!._id,
        userId: user._id,
        via: 'link',
        cohortName: cohort!.name,
        courseSlugs: cohort!.courseSlugs,
        startsOn: cohort!.startsOn,
        endsOn: cohort!.endsOn,
      })),
    );
    const many = await count();
    // Constant, except the readiness service's one indexed read per learner (12 more members: 12 more reads).
    expect(many - few).toBe(12);
    expect(few).toBeLessThanOrEqual(14);
  });
});
