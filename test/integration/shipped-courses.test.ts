/**
 * The ONE test of the shipped content in courses/: it passes `courses:check` and imports, and every module page of
 * every course renders in both languages. Every other test uses fixture courses (test/support/course-fixtures.ts),
 * so editing a course can break only this file, and only when the content itself is broken.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { runCoursesCheck } from '../../src/courses/course-check';
import { importCourses } from '../../src/courses/course-importer';
import { getLiveCourse } from '../../src/courses/courses.service';
import { shippedCourseSlugs } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

const COURSES = path.resolve('courses');
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('the shipped courses (courses/)', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  const slugs = shippedCourseSlugs();
  beforeAll(async () => {
    test = await startTestApp('shipped_courses');
  });
  afterAll(() => test.close());

  it('pass courses:check with no problems', async () => {
    const lines: string[] = [];
    const code = await runCoursesCheck(COURSES, (line) => lines.push(line));
    // On failure the check's own `file:line: message` lines are the diff.
    expect({ code, problems: lines.filter((line) => !line.startsWith('courses:check:') && !line.includes('warning:')) }).toEqual({
      code: 0,
      problems: [],
    });
    expect(slugs.length).toBeGreaterThan(0);
  });

  it('import (each course version 1, every module file), and importing again changes nothing', async () => {
    const first = await importCourses(COURSES);
    expect(first.map((outcome) => [outcome.slug, outcome.status, outcome.version])).toEqual(slugs.map((slug) => [slug, 'created', 1]));
    for (const slug of slugs) {
      const moduleFiles = readdirSync(path.join(COURSES, slug)).filter((name) => name.endsWith('.en.md'));
      expect([slug, (await getLiveCourse(slug))?.modules.length]).toEqual([slug, moduleFiles.length]);
    }
    expect((await importCourses(COURSES)).map((outcome) => outcome.status)).toEqual(slugs.map(() => 'unchanged'));
  });

  it('render: the catalogue lists every course, and every module page opens in both languages', async () => {
    const catalogue = await request(test.app).get('/courses').expect(200);
    for (const slug of slugs) expect(catalogue.text).toContain(`href="/courses/${slug}"`);
    for (const slug of slugs) {
      const course = (await getLiveCourse(slug))!;
      for (const lang of ['en', 'zh'] as const) {
        const query = `?lang=${lang === 'zh' ? 'zh-CN' : 'en'}`;
        const coursePage = await request(test.app).get(`/courses/${slug}${query}`).expect(200);
        expect(coursePage.text).toContain(escapeHtml(course.title[lang]));
        for (const module of course.modules) {
          const page = await request(test.app).get(`/courses/${slug}/modules/${module.slug}${query}`).expect(200);
          expect(page.text).toContain(escapeHtml(module.title[lang]));
          expect(page.text).not.toMatch(/<script(?![^>]*\bsrc="\/)|onerror=|javascript:/i);
        }
      }
    }
  });
});
