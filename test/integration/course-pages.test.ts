import path from 'node:path';
import request from 'supertest';
import { importCourses } from '../../src/courses/course-importer';
import { getLiveCourse } from '../../src/courses/courses.service';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
const slugs = ['selling-to-the-un', 'sustainable-procurement', 'bid-writing'];

describe('course pages', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp('course_pages');
    await importCourses(path.resolve('courses'));
  });
  afterAll(() => test.close());

  it.each([
    ['en', 'Selling to the United Nations'],
    ['zh-CN', '联合国'],
  ])('lists the three courses on the home page and the catalogue (%s)', async (lang, expected) => {
    for (const url of [`/?lang=${lang}`, `/courses?lang=${lang}`]) {
      const response = await request(test.app).get(url).expect(200);
      for (const slug of slugs) expect(response.text).toContain(`href="/courses/${slug}"`);
      expect(response.text).toContain(expected);
    }
  });

  it('renders every module of every course in both languages', async () => {
    let pages = 0;
    for (const slug of slugs) {
      const course = await getLiveCourse(slug);
      expect(course?.modules.length).toBeGreaterThanOrEqual(6);
      for (const lang of ['en', 'zh'] as const) {
        const coursePage = await request(test.app)
          .get(`/courses/${slug}?lang=${lang === 'zh' ? 'zh-CN' : 'en'}`)
          .expect(200);
        expect(coursePage.text).toContain(escapeHtml(course!.title[lang]));
        for (const module of course!.modules) {
          const page = await request(test.app)
            .get(`/courses/${slug}/modules/${module.slug}?lang=${lang === 'zh' ? 'zh-CN' : 'en'}`)
            .expect(200);
          expect(page.text).toContain(escapeHtml(module.title[lang]));
          expect(page.text).toContain('class="references"');
          expect(page.text).not.toMatch(/<script|onerror=|javascript:/i);
          pages += 1;
        }
      }
    }
    expect(pages).toBeGreaterThanOrEqual(36);
  });

  it('links modules with previous and next, and keeps the place when switching language', async () => {
    const course = await getLiveCourse('bid-writing');
    const [first, second] = course!.modules;
    const page = await request(test.app).get(`/courses/bid-writing/modules/${second!.slug}`).expect(200);
    expect(page.text).toContain(`href="/courses/bid-writing/modules/${first!.slug}" rel="prev"`);
    expect(page.text).toContain(`href="/courses/bid-writing/modules/${second!.slug}?lang=zh-CN"`);
  });

  it('serves an attachment as a download with a safe content type', async () => {
    const response = await request(test.app).get('/courses/bid-writing/assets/compliance-matrix-template.csv').expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="compliance-matrix-template.csv"');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text.length).toBeGreaterThan(20);
  });

  it.each([
    '/courses/no-such-course',
    '/courses/bid-writing/modules/no-such-module',
    '/courses/Bid_Writing',
    '/courses/bid-writing/assets/..%2F..%2Fcourse.yaml',
    '/courses/bid-writing/assets/missing.csv',
  ])('answers 404 for %s', async (url) => {
    const response = await request(test.app).get(url).expect(404);
    expect(response.text).toContain('Page not found');
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
