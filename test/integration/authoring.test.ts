import { Types } from 'mongoose';
import { AuditEntry } from '../../src/audit/audit.model';
import { assignTrainer } from '../../src/access/course-access';
import { CourseDraft, findDraft } from '../../src/authoring/course-draft.model';
import { CourseStaff } from '../../src/access/course-staff.model';
import { Course } from '../../src/courses/course.model';
import { importCourses } from '../../src/courses/course-importer';
import { CourseVersion } from '../../src/courses/course-version.model';
import { getLiveCourse } from '../../src/courses/courses.service';
import { getCourseProgress, recordModuleCompletion } from '../../src/learning/progress.service';
import { newAgent, type Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { submitForm } from '../fixtures/uploads/author-session';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'editable';
const base = `/author/courses/${COURSE}`;
const textUrl = (module: string, lang = 'en') => `${base}/modules/${module}/text/${lang}`;

describe('authoring', () => {
  let test: TestApp;
  let trainer: { agent: Agent; id: string };
  let otherTrainer: { agent: Agent; id: string };
  let admin: { agent: Agent; id: string };
  let emails = 0;
  const user = (role: 'learner' | 'trainer' | 'admin', name = 'Li Na') =>
    signedInUser(test.app, { name, email: `${role}${(emails += 1)}@example.org`, role });

  beforeAll(async () => {
    test = await startTestApp('authoring', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 3 }));
    await importCourses(writeFixtureCourse({ slug: 'someone-else', modules: 1 }));
    trainer = await user('trainer', 'Wang Fang');
    otherTrainer = await user('trainer', 'Chen Jing');
    admin = await user('admin', 'Admin Zhou');
    await assignTrainer(COURSE, trainer.id);
    await assignTrainer('someone-else', otherTrainer.id);
  });
  afterAll(() => test.close());
  afterEach(async () => {
    await CourseDraft.deleteMany({ courseSlug: COURSE });
  });

  describe('GET /author', () => {
    it('lists the courses a trainer is assigned to, and all courses for admins', async () => {
      const page = await trainer.agent.get('/author').expect(200);
      expect(page.text).toContain(`Fixture ${COURSE}`);
      expect(page.text).not.toContain('Fixture someone-else');
      const adminPage = await admin.agent.get('/author').expect(200);
      expect(adminPage.text).toContain('Fixture someone-else');
      expect(adminPage.text).toContain(`Fixture ${COURSE}`);
    });

    it('is closed to learners and to visitors', async () => {
      const learner = await user('learner');
      await learner.agent.get('/author').expect(403);
      await newAgent(test.app).get('/author').expect(303);
    });
  });

  describe('editing a module and publishing', () => {
    it('shows learners the new text and keeps their progress on unchanged modules', async () => {
      const learner = await user('learner', '张伟');
      await recordModuleCompletion(learner.id, COURSE, 'module-1', 1);
      await recordModuleCompletion(learner.id, COURSE, 'module-2', 1);

      const saved = await submitForm(trainer.agent, textUrl('module-2'), textUrl('module-2'), {
        title: 'Module 2',
        objectives: 'Module 2',
        markdown: 'A brand new text for module two.\n\n### Details\n\nMore words.\n',
      });
      expect(saved.status).toBe(303);
      const draft = await findDraft(COURSE);
      expect(draft?.problems).toEqual([]);

      const before = await learner.agent.get(`/courses/${COURSE}/modules/module-2`).expect(200);
      expect(before.text).not.toContain('A brand new text');

      const changes = await trainer.agent.get(`${base}/changes`).expect(200);
      expect(changes.text).toContain('Changed');
      expect(changes.text).toContain('English text');
      expect(changes.text).toContain('+ A brand new text for module two.');
      expect(changes.text).toContain('- Text of Module 2, secret-free.');

      const published = await submitForm(trainer.agent, base, `${base}/publish`, {});
      expect(published.status).toBe(303);
      expect(published.headers.location).toBe(`${base}?notice=published`);

      const after = await learner.agent.get(`/courses/${COURSE}/modules/module-2`).expect(200);
      expect(after.text).toContain('A brand new text for module two.');
      const live = await getLiveCourse(COURSE);
      expect(live?.version).toBe(2);
      expect(live?.source).toBe('authoring');
      const progress = await getCourseProgress(learner.id, live!);
      expect(progress.completedModules.sort()).toEqual(['module-1', 'module-2']);
      expect(progress.percent).toBe(67);
      expect(await findDraft(COURSE)).toBeNull();

      const actions = (await AuditEntry.find({ targetId: COURSE, actorId: trainer.id }).lean()).map((entry) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['course.draft.save', 'course.publish']));
      const publish = await AuditEntry.findOne({ action: 'course.publish', targetId: COURSE }).lean();
      expect(publish?.before).toMatchObject({ version: 1 });
      expect(publish?.after).toMatchObject({ version: 2, contentHash: live?.contentHash });
    });

    it('publishes nothing new when the draft equals the live version', async () => {
      const versions = await CourseVersion.countDocuments({ courseSlug: COURSE });
      const live = await getLiveCourse(COURSE);
      const page = await trainer.agent.get(textUrl('module-1')).expect(200);
      expect(page.text).toContain('Text of Module 1');
      await submitForm(trainer.agent, textUrl('module-1'), textUrl('module-1'), {
        title: 'Module 1',
        objectives: 'Module 1',
        markdown: live!.modules[0]!.markdown.en,
      }).then((r) => expect(r.status).toBe(303));
      const published = await submitForm(trainer.agent, base, `${base}/publish`, {});
      expect(published.headers.location).toBe(`${base}?notice=unchanged`);
      expect(await CourseVersion.countDocuments({ courseSlug: COURSE })).toBe(versions);
    });
  });

  describe("access to another trainer's course", () => {
    it('answers 403 to pages and to every form, and stores nothing', async () => {
      const audits = await AuditEntry.countDocuments();
      for (const url of [
        base,
        `${base}/settings`,
        textUrl('module-1'),
        `${base}/modules/module-1/quiz`,
        `${base}/changes`,
        `${base}/export.zip`,
      ]) {
        await otherTrainer.agent.get(url).expect(403);
      }
      const page = await otherTrainer.agent.get('/author').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const posts: [string, Record<string, string>][] = [
        [textUrl('module-1'), { title: 'Hijacked', objectives: 'x', markdown: 'Hijacked' }],
        [`${textUrl('module-1')}/preview`, { title: 'x', objectives: 'x', markdown: 'x' }],
        [`${base}/settings`, { title_en: 'Hijacked' }],
        [`${base}/modules`, { slug: 'evil', title_en: 'Evil', title_zh: '恶意' }],
        [`${base}/modules/module-1/delete`, {}],
        [`${base}/publish`, {}],
        [`${base}/discard`, {}],
      ];
      for (const [action, fields] of posts)
        await otherTrainer.agent
          .post(action)
          .type('form')
          .send({ _csrf: csrf, ...fields })
          .expect(403);
      await otherTrainer.agent.post(`${base}/assets?_csrf=${csrf}`).attach('files', Buffer.from('x'), 'x.png').expect(403);
      expect(await findDraft(COURSE)).toBeNull();
      expect(await AuditEntry.countDocuments()).toBe(audits);
    });
  });

  describe('validation', () => {
    it("shows the course validator's problems next to the fields they are about, keeping the text", async () => {
      const markdown = 'Intro line.\n\n![](assets/missing.png)\n\n[[no-such-term]]\n';
      const saved = await submitForm(trainer.agent, textUrl('module-3', 'zh'), textUrl('module-3', 'zh'), {
        title: '',
        objectives: '第 3 单元',
        markdown,
      });
      expect(saved.status).toBe(303);
      const page = await trainer.agent.get(textUrl('module-3', 'zh')).expect(200);
      const markdownField = /id="markdown-field"[\s\S]*?<\/textarea>/.exec(page.text)?.[0] ?? '';
      expect(markdownField).toContain('Line 3: image has no alt text');
      expect(markdownField).toContain('Line 3: link to missing asset: assets/missing.png');
      expect(markdownField).toContain('Line 5: unknown glossary id: no-such-term');
      expect(markdownField).toContain('![](assets/missing.png)');
      const titleField = /id="title-field"[\s\S]*?<\/div>/.exec(page.text)?.[0] ?? '';
      expect(titleField).toContain('missing required field: title');
      expect(titleField).toContain('aria-invalid="true"');

      const overview = await trainer.agent.get(base).expect(200);
      expect(overview.text).toContain('Problems to fix before publishing (4)');
      const blocked = await submitForm(trainer.agent, base, `${base}/publish`, {});
      expect(blocked.status).toBe(422);
      expect(blocked.text).toContain('fix them before publishing');
      expect((await getLiveCourse(COURSE))?.modules[2]?.markdown.zh).not.toContain('Intro line');
    });

    it('refuses malformed input at the edge with a message next to the field and what was typed', async () => {
      const response = await submitForm(trainer.agent, `${base}/settings`, `${base}/settings`, {
        title_en: 'Kept title',
        minutes: 'lots',
        level: 'beginner',
        completion: 'modules-only',
        passMark: '70',
        maxQuizAttempts: '0',
      });
      expect(response.status).toBe(422);
      expect(response.text).toMatch(/id="minutes-error"[\s\S]*?Enter a whole number\./);
      expect(response.text).toContain('value="lots"');
      expect(response.text).toContain('value="Kept title"');
      const withNul = await submitForm(trainer.agent, textUrl('module-1'), textUrl('module-1'), {
        title: 'T',
        objectives: 'O',
        markdown: 'Typed text\u0000here',
      });
      expect(withNul.status).toBe(422);
      expect(withNul.text).toContain('characters that are not allowed');
      expect(await findDraft(COURSE)).toBeNull();
    });

    it('shows quiz problems next to the question fields', async () => {
      const url = `${base}/modules/module-1/quiz/questions/0`;
      const page = await trainer.agent.get(url).expect(200);
      expect(page.text).toContain('value="q1-choice"');
      const fields = {
        id: 'q1-choice',
        type: 'single',
        prompt_en: 'Which?',
        prompt_zh: '',
        explanation_en: 'E',
        explanation_zh: '解',
        reference: 'S9',
        correct: ['0', '1'],
        truth: '',
        opt0_id: 'a',
        opt0_en: 'One',
        opt0_zh: '一',
        opt1_id: 'b',
        opt1_en: 'Two',
        opt1_zh: '二',
      };
      expect((await submitForm(trainer.agent, url, url, fields)).status).toBe(303);
      const after = await trainer.agent.get(url).expect(200);
      expect(after.text).toMatch(/id="prompt_zh-error"[\s\S]*?missing zh text: questions\[0\]\.prompt/);
      expect(after.text).toMatch(/id="reference-error"[\s\S]*?unknown reference id: S9/);
      expect(after.text).toContain('single answer must be exactly one option id');
      expect(after.text).toMatch(/id="correct0" name="correct" value="0" checked/);
    });
  });

  describe('POST /author/courses/:slug/modules/:module/text/:lang/preview', () => {
    it("renders sanitised HTML with the learners' renderer, keeps the unsaved text and saves nothing", async () => {
      const markdown = 'Hello **bold** [[ungm]]\n\n<script>alert("x")</script>\n\n[click](javascript:alert(1))\n\n:::tip\nA tip\n:::\n';
      const response = await submitForm(trainer.agent, textUrl('module-1'), `${textUrl('module-1')}/preview`, {
        title: 'Unsaved title',
        objectives: 'O',
        markdown,
      });
      expect(response.status).toBe(200);
      const preview = /id="preview-body"[^>]*>([\s\S]*?)<\/section>/.exec(response.text)?.[1] ?? '';
      expect(preview).toContain('<strong>bold</strong>');
      expect(preview).toContain('callout-tip');
      expect(preview).not.toMatch(/<script|javascript:/i);
      expect(response.text).not.toContain('<script>alert');
      expect(response.text).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
      expect(response.text).toContain('value="Unsaved title"');
      const json = await trainer.agent
        .post(`${textUrl('module-1')}/preview`)
        .set('Accept', 'application/json')
        .set('X-CSRF-Token', /name="_csrf" value="([^"]+)"/.exec(response.text)![1]!)
        .type('form')
        .send({ title: 'T', objectives: 'O', markdown });
      expect(json.status).toBe(200);
      expect((json.body as { html: string }).html).toContain('<strong>bold</strong>');
      expect((json.body as { html: string }).html).not.toContain('<script');
      expect(await findDraft(COURSE)).toBeNull();
    });
  });

  describe('course structure', () => {
    it('creates a course whose creator becomes its trainer, then adds, reorders and deletes modules', async () => {
      const created = await submitForm(trainer.agent, '/author/courses/new', '/author/courses', {
        slug: 'fresh-course',
        title_en: 'Fresh course',
        title_zh: '新课程',
      });
      expect(created.status).toBe(303);
      expect(await CourseStaff.exists({ courseSlug: 'fresh-course', userId: new Types.ObjectId(trainer.id) })).toBeTruthy();
      const taken = await submitForm(trainer.agent, '/author/courses/new', '/author/courses', {
        slug: COURSE,
        title_en: 'Again',
        title_zh: '再次',
      });
      expect(taken.status).toBe(409);
      expect(taken.text).toContain('already exists');
      const overview = await trainer.agent.get('/author/courses/fresh-course').expect(200);
      expect(overview.text).toContain('Problems to fix before publishing');
      expect(overview.text).toContain('missing en text: summary');
      await otherTrainer.agent.get('/author/courses/fresh-course').expect(403);

      for (const slug of ['first', 'second', 'third']) {
        const added = await submitForm(trainer.agent, '/author/courses/fresh-course', '/author/courses/fresh-course/modules', {
          slug,
          title_en: slug,
          title_zh: slug,
        });
        expect(added.status).toBe(303);
      }
      const duplicate = await submitForm(trainer.agent, '/author/courses/fresh-course', '/author/courses/fresh-course/modules', {
        slug: 'first',
        title_en: 'x',
        title_zh: 'x',
      });
      expect(duplicate.status).toBe(422);
      expect(duplicate.text).toContain('already has a module with this address');
      await submitForm(trainer.agent, '/author/courses/fresh-course', '/author/courses/fresh-course/modules/third/move', {
        direction: 'up',
      });
      await submitForm(trainer.agent, '/author/courses/fresh-course', '/author/courses/fresh-course/modules/first/delete', {});
      const draft = await findDraft('fresh-course');
      expect(draft?.modules.map((module) => [module.slug, module.order])).toEqual([
        ['third', 1],
        ['second', 2],
      ]);
      expect(await Course.exists({ slug: 'fresh-course' })).toBeNull();
      const fresh = '/author/courses/fresh-course';
      const question = await submitForm(trainer.agent, `${fresh}/modules/second/quiz`, `${fresh}/modules/second/quiz/questions`, {
        id: 'second-q',
        type: 'truefalse',
      });
      expect(question.headers.location).toBe(`${fresh}/modules/second/quiz/questions/0?notice=created`);
      for (const url of [
        `${fresh}/changes`,
        `${fresh}/catalogues`,
        `${fresh}/settings`,
        `${fresh}/modules/second`,
        `${fresh}/modules/second/quiz`,
        `${fresh}/modules/second/text/zh`,
        question.headers.location as string,
      ]) {
        const page = await trainer.agent.get(url).expect(200);
        expect(page.text).toContain('<h1 id="page-title">');
      }
      await CourseDraft.deleteMany({ courseSlug: 'fresh-course' });
    });
  });
});
