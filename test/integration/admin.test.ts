import { Types } from 'mongoose';
import { User } from '../../src/accounts/user.model';
import { AuditEntry } from '../../src/audit/audit.model';
import { CourseStaff } from '../../src/access/course-staff.model';
import { importCourses } from '../../src/courses/course-importer';
import { ImportReport } from '../../src/courses/import-report.model';
import { login, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser, TEST_PASSWORD } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { submitForm } from '../fixtures/uploads/author-session';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('administration', () => {
  let test: TestApp;
  let admin: { agent: Agent; id: string };

  beforeAll(async () => {
    test = await startTestApp('admin', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: 'managed', modules: 1 }));
    admin = await signedInUser(test.app, { name: 'Admin Zhou', email: 'admin@example.org', role: 'admin' });
  });
  afterAll(() => test.close());

  describe('/admin access', () => {
    it('is for admins only', async () => {
      const trainer = await signedInUser(test.app, { name: 'T', email: 'only-trainer@example.org', role: 'trainer' });
      for (const url of ['/admin', '/admin/users', '/admin/courses', '/admin/imports', '/admin/import', '/admin/audit']) {
        await trainer.agent.get(url).expect(403);
        await admin.agent.get(url).expect(200);
      }
      const page = await trainer.agent.get('/author').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      await trainer.agent.post(`/admin/users/${trainer.id}/role`).type('form').send({ _csrf: csrf, role: 'admin' }).expect(403);
      expect((await User.findById(trainer.id).lean())?.role).toBe('trainer');
    });
  });

  describe('GET /admin/users', () => {
    it('searches by name or email and pages the results', async () => {
      await User.insertMany(
        Array.from({ length: 30 }, (_, i) => ({
          name: `Supplier ${String(i).padStart(2, '0')}`,
          email: `supplier${String(i).padStart(2, '0')}@firm.cn`,
          passwordHash: 'x',
        })),
      );
      const first = await admin.agent.get('/admin/users?q=SUPPLIER').expect(200);
      expect(first.text).toContain('30 users found');
      expect(first.text).toContain('supplier00@firm.cn');
      expect(first.text).not.toContain('supplier29@firm.cn');
      expect(first.text).toContain('Page 1 of 2');
      const second = await admin.agent.get('/admin/users?q=SUPPLIER&page=2').expect(200);
      expect(second.text).toContain('supplier29@firm.cn');
      const byName = await admin.agent.get('/admin/users?q=Supplier%2017').expect(200);
      expect(byName.text).toContain('1 users found');
      const odd = await admin.agent.get('/admin/users?q=.*&q=x').expect(200);
      expect(odd.text).toContain('users found');
    });
  });

  describe('POST /admin/users/:id/role', () => {
    it("changes a role, ends the user's sessions (they sign in again under it), and appears in the audit log", async () => {
      const person = await signedInUser(test.app, { name: 'Liu Yang', email: 'liu@example.org' });
      await person.agent.get('/author').expect(403);
      const response = await submitForm(admin.agent, '/admin/users?q=liu', `/admin/users/${person.id}/role`, {
        role: 'trainer',
        back: '/admin/users?q=liu&page=1',
      });
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/admin/users?q=liu&page=1&notice=role-changed');
      await person.agent.get('/author').expect(303).expect('Location', '/login?next=%2Fauthor');
      expect((await login(person.agent, 'liu@example.org', TEST_PASSWORD)).status).toBe(303);
      await person.agent.get('/author').expect(200);

      const entry = await AuditEntry.findOne({ action: 'user.role.change', targetId: person.id }).lean();
      expect(entry).toMatchObject({ actorId: admin.id, targetType: 'user', before: { role: 'learner' }, after: { role: 'trainer' } });
      const log = await admin.agent.get('/admin/audit?action=user.role.change').expect(200);
      expect(log.text).toContain('user.role.change');
      expect(log.text).toContain(`user:${person.id}`);
      expect(log.text).toContain('Admin Zhou');
      expect(log.text).toContain('{&#34;role&#34;:&#34;learner&#34;}');
    });

    it('does not let an admin change their own role', async () => {
      const response = await submitForm(admin.agent, '/admin/users', `/admin/users/${admin.id}/role`, { role: 'learner' });
      expect(response.status).toBe(409);
      expect(response.text).toContain('cannot change your own role');
      expect((await User.findById(admin.id).lean())?.role).toBe('admin');
    });
  });

  describe('/admin/courses', () => {
    it('assigns and unassigns trainers, audited, with errors next to the field', async () => {
      const trainer = await signedInUser(test.app, { name: 'Zhao Lei', email: 'zhao@example.org', role: 'trainer' });
      await trainer.agent.get('/author/courses/managed').expect(403);
      const assigned = await submitForm(admin.agent, '/admin/courses', '/admin/courses/managed/staff', { email: 'ZHAO@example.org' });
      expect(assigned.status).toBe(303);
      await trainer.agent.get('/author/courses/managed').expect(200);
      const page = await admin.agent.get('/admin/courses').expect(200);
      expect(page.text).toContain('zhao@example.org');

      const learner = await signedInUser(test.app, { name: 'Not a trainer', email: 'learner-x@example.org' });
      const refused = await submitForm(admin.agent, '/admin/courses', '/admin/courses/managed/staff', { email: 'learner-x@example.org' });
      expect(refused.status).toBe(422);
      expect(refused.text).toMatch(/id="email-managed-error"[\s\S]*?not a trainer/);
      expect(refused.text).toContain('value="learner-x@example.org"');
      expect(await CourseStaff.exists({ userId: new Types.ObjectId(learner.id) })).toBeNull();

      const removed = await submitForm(admin.agent, '/admin/courses', `/admin/courses/managed/staff/${trainer.id}/delete`, {});
      expect(removed.status).toBe(303);
      await trainer.agent.get('/author/courses/managed').expect(403);
      const actions = (await AuditEntry.find({ targetId: 'managed' }).lean()).map((entry) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['course.staff.assign', 'course.staff.unassign']));
    });
  });

  describe('GET /admin/imports', () => {
    it('shows the course import problems', async () => {
      await ImportReport.create({
        courseSlug: 'broken-one',
        problems: [{ file: 'courses/broken-one/course.yaml', line: 3, message: 'missing zh text: title' }],
        checkedAt: new Date(),
      });
      const page = await admin.agent.get('/admin/imports').expect(200);
      expect(page.text).toContain('courses/broken-one/course.yaml:3: missing zh text: title');
    });
  });

  describe('GET /admin/audit', () => {
    it('pages the log and filters it by action', async () => {
      await AuditEntry.insertMany(
        Array.from({ length: 60 }, (_, i) => ({
          actorId: admin.id,
          action: 'course.export',
          targetType: 'course',
          targetId: `c${i}`,
          before: null,
          after: { n: i },
          createdAt: new Date(Date.now() - i * 1000),
        })),
      );
      const first = await admin.agent.get('/admin/audit?action=course.export').expect(200);
      expect(first.text).toContain('Page 1 of 2');
      expect(first.text).toContain('course:c0<');
      expect(first.text).not.toContain('user.role.change</code>');
      const second = await admin.agent.get('/admin/audit?action=course.export&page=2').expect(200);
      expect(second.text).toContain('course:c59<');
      await admin.agent.get('/admin/audit?action=%24where').expect(200);
    });
  });
});
