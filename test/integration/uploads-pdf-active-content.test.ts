import path from 'node:path';
import request from 'supertest';
import { assignTrainer } from '../../src/access/course-access';
import { CourseDraft, findDraft } from '../../src/authoring/course-draft.model';
import { importCourses } from '../../src/courses/course-importer';
import type { Agent } from '../support/agents';
import { writeFixtureCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { csrfOf, filesUnder } from '../fixtures/uploads/author-session';
import { PDF_MINIMAL } from '../fixtures/uploads/zip-builder';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = 'pdf-scan-course';
const base = `/author/courses/${COURSE}`;
/** The file of the security run: JavaScript run when the document opens. */
const PDF_WITH_JS = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n3 0 obj << /S /JavaScript /JS (app.alert\\("pwned"\\)) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

describe('PDF course assets with active content', () => {
  let test: TestApp;
  let trainer: { agent: Agent; id: string };

  beforeAll(async () => {
    test = await startTestApp('uploads_pdf_scan', { TRUST_PROXY: 'true' });
    await importCourses(writeFixtureCourse({ slug: COURSE, modules: 1 }));
    trainer = await signedInUser(test.app, { name: 'Trainer', email: 'pdf.trainer@example.org', role: 'trainer' });
    await assignTrainer(COURSE, trainer.id);
  });
  afterAll(() => test.close());
  afterEach(() => CourseDraft.deleteMany({}));

  async function upload(data: Buffer, name: string, lang = 'en') {
    const csrf = await csrfOf(trainer.agent, base);
    return trainer.agent
      .post(`${base}/assets?_csrf=${csrf}&lang=${lang}`)
      .attach('files', data, { filename: name, contentType: 'application/pdf' });
  }

  describe('POST /author/courses/:slug/assets', () => {
    it('refuses pdf-with-js.pdf with 422 and a clear message in English and Chinese, storing nothing', async () => {
      const response = await upload(PDF_WITH_JS, 'pdf-with-js.pdf');
      expect(response.status).toBe(422);
      expect(response.text).toContain('is a PDF with active content (JavaScript)');
      expect(response.text).not.toMatch(/at \w+ \(|node_modules/);
      const zh = await upload(PDF_WITH_JS, 'pdf-with-js.pdf', 'zh-CN');
      expect(zh.status).toBe(422);
      expect(zh.text).toContain('含有活动内容（JavaScript）的 PDF');
      expect(filesUnder(path.join(test.config.dataDir, 'uploads'))).toEqual([]);
      expect((await findDraft(COURSE))?.assets ?? []).toEqual([]);
    });

    it('still accepts a plain PDF', async () => {
      const response = await upload(PDF_MINIMAL, 'guide.pdf');
      expect(response.status).toBe(303);
      expect((await findDraft(COURSE))?.assets.map((asset) => asset.name)).toEqual([expect.stringMatching(/^guide-[0-9a-f]{6}\.pdf$/)]);
    });
  });

  describe('framing', () => {
    it('sends X-Frame-Options: DENY, in line with the CSP frame-ancestors none', async () => {
      const response = await request(test.app).get('/verify').expect(200);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });
  });
});
