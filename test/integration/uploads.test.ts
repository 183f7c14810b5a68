import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { AuditEntry } from '../../src/audit/audit.model';
import { assignTrainer } from '../../src/access/course-access';
import { CourseDraft, findDraft } from '../../src/authoring/course-draft.model';
import { CourseAsset } from '../../src/courses/course-asset.model';
import { importCourses } from '../../src/courses/course-importer';
import { CourseVersion } from '../../src/courses/course-version.model';
import { getLiveCourse } from '../../src/courses/courses.service';
import type { Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { binary, csrfOf, filesUnder, submitForm } from '../fixtures/uploads/author-session';
import { buildZip, PDF_MINIMAL, PHP_SCRIPT, PNG_1PX, SVG_WITH_SCRIPT } from '../fixtures/uploads/zip-builder';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'uploads-course';
const base = `/author/courses/${COURSE}`;

describe('uploads', () => {
  let test: TestApp;
  let trainer: { agent: Agent; id: string };
  let admin: { agent: Agent; id: string };

  /** Everything an upload could leave behind: files in upload storage and scratch folders, documents in the database. */
  async function footprint() {
    return {
      uploads: filesUnder(path.join(test.config.dataDir, 'uploads')),
      scratch: filesUnder(path.join(test.config.dataDir, 'tmp')),
      drafts: await CourseDraft.countDocuments(),
      versions: await CourseVersion.countDocuments(),
      assets: await CourseAsset.countDocuments(),
      audit: await AuditEntry.countDocuments(),
    };
  }

  async function uploadAssets(agent: Agent, files: { data: Buffer; name: string; type?: string }[]) {
    const csrf = await csrfOf(agent, base);
    let request = agent.post(`${base}/assets?_csrf=${csrf}`);
    for (const file of files)
      request = request.attach('files', file.data, { filename: file.name, contentType: file.type ?? 'application/octet-stream' });
    return request;
  }

  async function importZip(agent: Agent, zip: Buffer, mode: 'draft' | 'publish' = 'draft') {
    const csrf = await csrfOf(agent, '/admin/import');
    return agent
      .post(`/admin/import?_csrf=${csrf}`)
      .field('mode', mode)
      .attach('zip', zip, { filename: 'course.zip', contentType: 'application/zip' });
  }

  beforeAll(async () => {
    test = await startTestApp('uploads', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 2 }));
    trainer = await signedInUser(test.app, { name: 'Trainer', email: 'trainer@example.org', role: 'trainer' });
    admin = await signedInUser(test.app, { name: 'Admin', email: 'admin@example.org', role: 'admin' });
    await assignTrainer(COURSE, trainer.id);
  });
  afterAll(() => test.close());
  afterEach(async () => {
    await CourseDraft.deleteMany({});
  });

  describe('POST /author/courses/:slug/assets', () => {
    it('stores a PNG and a PDF under generated names and serves them with their real type', async () => {
      const response = await uploadAssets(trainer.agent, [
        { data: PNG_1PX, name: '../../Diagram of Bids.png', type: 'image/png' },
        { data: PDF_MINIMAL, name: 'guide.pdf' },
      ]);
      expect(response.status).toBe(303);
      const draft = await findDraft(COURSE);
      const png = draft?.assets.find((asset) => asset.name.endsWith('.png'));
      const pdf = draft?.assets.find((asset) => asset.name.endsWith('.pdf'));
      expect(png?.name).toMatch(/^diagram-of-bids-[0-9a-f]{6}\.png$/);
      expect(pdf?.name).toMatch(/^guide-[0-9a-f]{6}\.pdf$/);
      expect(filesUnder(path.join(test.config.dataDir, 'uploads'))).toHaveLength(2);

      const image = await trainer.agent.get(`${base}/assets/${png?.name}`).buffer(true).parse(binary).expect(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(image.headers['content-disposition']).toBe(`inline; filename="${png?.name}"`);
      expect(Buffer.compare(image.body as Buffer, PNG_1PX)).toBe(0);
      const attachment = await trainer.agent.get(`${base}/assets/${pdf?.name}`).expect(200);
      expect(attachment.headers['content-type']).toBe('application/pdf');
      expect(attachment.headers['content-disposition']).toMatch(/^attachment;/);

      // Used in Markdown, the image validates and shows in the preview from the draft.
      const csrf = await csrfOf(trainer.agent, base);
      const preview = await trainer.agent
        .post(`${base}/modules/module-1/text/en/preview`)
        .type('form')
        .send({ _csrf: csrf, title: 'T', objectives: 'O', markdown: `![A diagram](assets/${png?.name})` });
      expect(preview.text).toContain(`src="${base}/assets/${png?.name}"`);

      const removed = await trainer.agent.post(`${base}/assets/delete`).type('form').send({ _csrf: csrf, name: png?.name });
      expect(removed.status).toBe(303);
      expect(filesUnder(path.join(test.config.dataDir, 'uploads'))).toHaveLength(1);
    });

    it('takes a PNG named .pdf as the PNG it is (content decides, never the name)', async () => {
      const response = await uploadAssets(trainer.agent, [{ data: PNG_1PX, name: 'report.pdf', type: 'application/pdf' }]);
      expect(response.status).toBe(303);
      const asset = (await findDraft(COURSE))?.assets.find((candidate) => candidate.name.startsWith('report-'));
      expect(asset?.name).toMatch(/^report-[0-9a-f]{6}\.png$/);
      expect(asset?.contentType).toBe('image/png');
    });

    it.each([
      ['a PHP script named .png', PHP_SCRIPT, 'shell.png', 'image/png'],
      ['an SVG image', SVG_WITH_SCRIPT, 'logo.svg', 'image/svg+xml'],
    ])('refuses %s with 415 and leaves nothing behind', async (_label, data, name, type) => {
      const before = await footprint();
      const response = await uploadAssets(trainer.agent, [
        { data: PNG_1PX, name: 'fine.png' },
        { data, name, type },
      ]);
      expect(response.status).toBe(415);
      expect(response.text).toContain(`&#34;${name}&#34; is not a PNG, JPEG or WebP image or a PDF document`);
      expect(await footprint()).toEqual(before);
    });

    it("refuses a 50 MB file with 413 in the user's language and leaves nothing behind", async () => {
      const before = await footprint();
      const single = await uploadAssets(trainer.agent, [
        { data: Buffer.concat([PNG_1PX, Buffer.alloc(6 * 1024 * 1024)]), name: 'six.png' },
      ]);
      expect(single.status).toBe(413);
      expect(single.text).toContain('each file may be at most 5 MB');
      const big = Buffer.concat([PNG_1PX, Buffer.alloc(50 * 1024 * 1024)]);
      const csrf = await csrfOf(trainer.agent, base);
      const response = await trainer.agent.post(`${base}/assets?_csrf=${csrf}&lang=zh-CN`).attach('files', big, 'huge.png');
      expect(response.status).toBe(413);
      expect(response.text).toContain('一次上传的内容过多：总计不能超过 25 MB');
      await trainer.agent.get('/author?lang=en').expect(200);
      expect(await footprint()).toEqual(before);
    });

    it('refuses more than 10 files at once', async () => {
      const before = await footprint();
      const response = await uploadAssets(
        trainer.agent,
        Array.from({ length: 11 }, (_, i) => ({ data: PNG_1PX, name: `${i}.png` })),
      );
      expect(response.status).toBe(413);
      expect(response.text).toContain('send at most 10 at a time');
      expect(await footprint()).toEqual(before);
    });

    it('needs the CSRF token', async () => {
      await trainer.agent.post(`${base}/assets`).attach('files', PNG_1PX, 'x.png').expect(403);
    });
  });

  describe('course zips', () => {
    it('round-trips export → import without loss (equal content hash)', async () => {
      const live = await getLiveCourse(COURSE);
      const exported = await admin.agent.get(`${base}/export.zip`).buffer(true).parse(binary).expect(200);
      expect(exported.headers['content-type']).toBe('application/zip');
      expect(exported.headers['content-disposition']).toBe(`attachment; filename="${COURSE}.zip"`);
      const asDraft = await importZip(admin.agent, exported.body as Buffer, 'draft');
      expect(asDraft.status).toBe(200);
      expect(asDraft.text).toContain(live!.contentHash);
      const draft = await findDraft(COURSE);
      expect(draft?.contentHash).toBe(live?.contentHash);
      const published = await importZip(admin.agent, exported.body as Buffer, 'publish');
      expect(published.text).toContain('was already live with the same content');
      expect((await getLiveCourse(COURSE))?.version).toBe(live?.version);
      expect(await AuditEntry.countDocuments({ action: { $in: ['course.export', 'course.import'] }, targetId: COURSE })).toBe(3);
    });

    it('round-trips awkward text exactly (quotes, colons, YAML markers, tabs, emoji, U+2028)', async () => {
      const title = 'Quotes "q" \'s\' : colon # hash - [x] {y} &z *w !v 2030 \u2028 🎉';
      const markdown = '---\nStill body: yes\n\tTabbed\n- "list" item # not a comment\n\nEnd 🎉\u2028line';
      expect(
        (
          await submitForm(trainer.agent, `${base}/modules/module-1/text/en`, `${base}/modules/module-1/text/en`, {
            title,
            objectives: 'yes: no\n"quoted"',
            markdown,
          })
        ).status,
      ).toBe(303);
      const draft = await findDraft(COURSE);
      expect(draft?.problems).toEqual([]);
      expect(draft?.modules[0]?.title.en).toBe(title);
      expect(draft?.modules[0]?.markdown.en).toBe(markdown);
      const zip = await trainer.agent.get(`${base}/export.zip?source=draft`).buffer(true).parse(binary).expect(200);
      await CourseDraft.deleteMany({ courseSlug: COURSE });
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await admin.agent.get('/admin/import').expect(200)).text)![1]!;
      const imported = await admin.agent
        .post(`/admin/import?_csrf=${csrf}`)
        .field('mode', 'draft')
        .attach('zip', zip.body as Buffer, 'course.zip')
        .expect(200);
      expect(imported.text).toContain(draft!.contentHash!);
      const again = await findDraft(COURSE);
      expect(again?.contentHash).toBe(draft?.contentHash);
      expect(again?.modules[0]?.markdown.en).toBe(markdown);
    });

    it('exports a draft with its uploads and imports it, publishing the same course', async () => {
      await uploadAssets(trainer.agent, [{ data: PNG_1PX, name: 'chart.png' }]);
      const zip = await trainer.agent.get(`${base}/export.zip?source=draft`).buffer(true).parse(binary).expect(200);
      const draftHash = (await findDraft(COURSE))?.contentHash;
      await CourseDraft.deleteMany({});
      const response = await importZip(admin.agent, zip.body as Buffer, 'publish');
      expect(response.status).toBe(200);
      const live = await getLiveCourse(COURSE);
      expect(live?.contentHash).toBe(draftHash);
      expect(live?.assets.map((asset) => asset.name)).toEqual([expect.stringMatching(/^chart-[0-9a-f]{6}\.png$/)]);
    });

    const valid = (name: string, data: Buffer) => ({ name, data, deflate: true });
    it.each([
      [
        'a ../ path',
        buildZip([valid('c/course.yaml', Buffer.from('x')), valid('../../etc/passwd', Buffer.from('root:x:0:0'))]),
        422,
        'unsafe path (&#34;../../etc/passwd&#34;)',
      ],
      ['an absolute path', buildZip([valid('/etc/passwd', Buffer.from('root:x:0:0'))]), 422, 'unsafe path (&#34;/etc/passwd&#34;)'],
      ['a backslash path', buildZip([valid('c\\..\\..\\evil', Buffer.from('x'))]), 422, 'unsafe path'],
      ['a symbolic link', buildZip([{ name: 'c/assets/link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]), 422, 'symbolic link'],
      [
        'a zip bomb (200 MB of zeros in one entry)',
        buildZip([{ name: 'c/course.yaml', deflated: deflateRawSync(Buffer.alloc(200 * 1024 * 1024)), declaredSize: 200 * 1024 * 1024 }]),
        422,
        'unpacks to too much data',
      ],
      [
        'a zip bomb that lies about its size',
        buildZip([{ name: 'c/course.yaml', deflated: deflateRawSync(Buffer.alloc(200 * 1024 * 1024)), declaredSize: 1000 }]),
        422,
        'unpacks to too much data',
      ],
      [
        'too many entries',
        buildZip(Array.from({ length: 501 }, (_, i) => valid(`c/assets/${i}.txt`, Buffer.from('x')))),
        422,
        'too many files',
      ],
      ['a file that is not a zip', PHP_SCRIPT, 415, 'not a zip file'],
      ['files outside one course folder', buildZip([valid('course.yaml', Buffer.from('x'))]), 422, 'exactly one course folder'],
    ])('refuses %s and leaves nothing behind', async (_label, zip, status, message) => {
      const before = await footprint();
      const response = await importZip(admin.agent, zip);
      expect(response.status).toBe(status);
      expect(response.text).toContain(message);
      expect(await footprint()).toEqual(before);
    });

    it("refuses an invalid course with the validator's file:line problems and changes nothing", async () => {
      const before = await footprint();
      const zip = buildZip([valid('broken/course.yaml', Buffer.from('title: { en: Only English }\n'))]);
      const response = await importZip(admin.agent, zip);
      expect(response.status).toBe(422);
      expect(response.text).toContain('broken/course.yaml:1: missing zh text: title');
      expect(await footprint()).toEqual(before);
    });

    it('lets only admins import', async () => {
      const csrf = await csrfOf(trainer.agent, base);
      await trainer.agent.post(`/admin/import?_csrf=${csrf}`).attach('zip', PNG_1PX, 'x.zip').expect(403);
    });
  });
});
