import request from 'supertest';
import { importCourses } from '../../src/courses/course-importer';
import { getLiveCourse } from '../../src/courses/courses.service';
import { FIXTURE_ATTACHMENT, FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
// Fixture courses: editing the shipped courses cannot break these tests (shipped-courses.test.ts checks those).
const slugs = FIXTURE_SET.map((course) => course.slug);
const COURSE = 'fixture-alpha';

describe('course pages', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp('course_pages');
    await importCourses(writeFixtureCourseSet());
  });
  afterAll(() => test.close());

  it.each([
    ['en', 'en'],
    ['zh-CN', 'zh'],
  ] as const)('lists the three courses on the home page and the catalogue (%s)', async (lang, titleLang) => {
    for (const url of [`/?lang=${lang}`, `/courses?lang=${lang}`]) {
      const response = await request(test.app).get(url).expect(200);
      for (const course of FIXTURE_SET) {
        expect(response.text).toContain(`href="/courses/${course.slug}"`);
        expect(response.text).toContain(course.title[titleLang]);
      }
    }
  });

  it('renders every module of every course in both languages', async () => {
    let pages = 0;
    for (const slug of slugs) {
      const course = await getLiveCourse(slug);
      expect(course?.modules.length).toBe(FIXTURE_SET.find((fixture) => fixture.slug === slug)!.modules);
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
    expect(pages).toBe(2 * FIXTURE_SET.reduce((total, course) => total + course.modules, 0));
  });

  it('links modules with previous and next, and keeps the place when switching language', async () => {
    const course = await getLiveCourse(COURSE);
    const [first, second, third] = course!.modules;
    const page = await request(test.app).get(`/courses/${COURSE}/modules/${second!.slug}`).expect(200);
    expect(page.text).toContain(`href="/courses/${COURSE}/modules/${first!.slug}" rel="prev"`);
    expect(page.text).toContain(`href="/courses/${COURSE}/modules/${third!.slug}" rel="next"`);
    expect(page.text).toContain(`href="/courses/${COURSE}/modules/${second!.slug}?lang=zh-CN"`);
  });

  it('serves an attachment as a download with a safe content type', async () => {
    const response = await request(test.app).get(`/courses/${COURSE}/assets/${FIXTURE_ATTACHMENT.name}`).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${FIXTURE_ATTACHMENT.name}"`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toBe(FIXTURE_ATTACHMENT.text);
  });

  it.each([
    '/courses/no-such-course',
    `/courses/${COURSE}/modules/no-such-module`,
    '/courses/Fixture_Alpha',
    `/courses/${COURSE}/assets/..%2F..%2Fcourse.yaml`,
    `/courses/${COURSE}/assets/missing.csv`,
  ])('answers 404 for %s', async (url) => {
    const response = await request(test.app).get(url).expect(404);
    expect(response.text).toContain('Page not found');
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
