import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import request from 'supertest';
import { Course } from '../../src/courses/course.model';
import { CourseVersion } from '../../src/courses/course-version.model';
import { importCourses } from '../../src/courses/course-importer';
import { ImportReport } from '../../src/courses/import-report.model';
import { getLiveCourse } from '../../src/courses/courses.service';
import { getCourseProgress, recordModuleCompletion } from '../../src/learning/progress.service';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { FIXTURE_ATTACHMENT, FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
// A fixture set, so editing the shipped courses cannot break these tests (shipped-courses.test.ts imports those).
const SLUGS = FIXTURE_SET.map((course) => course.slug);
const COURSE = 'fixture-alpha';

describe('course import', () => {
  let test: TestApp;
  let root: string;
  const courseDir = () => path.join(root, COURSE);
  const edit = (file: string, change: (text: string) => string) => {
    const full = path.join(courseDir(), file);
    writeFileSync(full, change(readFileSync(full, 'utf8')));
  };

  beforeAll(async () => {
    test = await startTestApp('course_import');
  });
  afterAll(() => test.close());
  beforeEach(async () => {
    root = writeFixtureCourseSet();
    await Promise.all([Course.deleteMany({}), CourseVersion.deleteMany({}), ImportReport.deleteMany({}), ModuleCompletion.deleteMany({})]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('imports a folder of courses, and importing twice is a no-op', async () => {
    const first = await importCourses(root);
    expect(first.map((o) => [o.slug, o.status, o.version])).toEqual(SLUGS.map((slug) => [slug, 'created', 1]));
    const second = await importCourses(root);
    expect(second.map((o) => o.status)).toEqual(SLUGS.map(() => 'unchanged'));
    expect(await CourseVersion.countDocuments()).toBe(SLUGS.length);
    expect(await Course.countDocuments({ isPublished: true })).toBe(SLUGS.length);
  });

  it("creates a new version when a module changes, keeping learners' progress on the other modules", async () => {
    await importCourses(root);
    const learnerId = new Types.ObjectId();
    const v1 = await getLiveCourse(COURSE);
    const [first, second, third] = v1!.modules;
    await recordModuleCompletion(learnerId, COURSE, first!.slug, 1);
    await recordModuleCompletion(learnerId, COURSE, third!.slug, 1);

    edit(`0${second!.order}-${second!.slug}.en.md`, (text) => `${text}\nA new paragraph about a rule change.\n`);
    const outcome = (await importCourses(root)).find((o) => o.slug === COURSE);
    expect(outcome).toMatchObject({ status: 'updated', version: 2 });

    const v2 = await getLiveCourse(COURSE);
    expect(v2?.version).toBe(2);
    expect(v2?.modules.find((m) => m.slug === second!.slug)?.markdown.en).toContain('A new paragraph about a rule change.');
    const progress = await getCourseProgress(learnerId, v2!);
    expect(progress.completedModules.sort()).toEqual([first!.slug, third!.slug].sort());
    expect(await CourseVersion.countDocuments({ courseSlug: COURSE })).toBe(2);
  });

  it('never deletes learner records when a module is removed', async () => {
    await importCourses(root);
    const learnerId = new Types.ObjectId();
    const course = await getLiveCourse(COURSE);
    const last = course!.modules.at(-1)!;
    await recordModuleCompletion(learnerId, COURSE, last.slug, 1);
    const base = `0${last.order}-${last.slug}`;
    for (const suffix of ['.en.md', '.zh.md', '.quiz.yaml']) rmSync(path.join(courseDir(), base + suffix), { force: true });

    expect((await importCourses(root)).find((o) => o.slug === COURSE)?.status).toBe('updated');
    const updated = await getLiveCourse(COURSE);
    expect(updated?.modules.map((m) => m.slug)).not.toContain(last.slug);
    expect(await ModuleCompletion.countDocuments({ learnerId, moduleSlug: last.slug })).toBe(1);
    expect((await getCourseProgress(learnerId, updated!)).completedCount).toBe(0);
  });

  it('does not import a broken course at all, leaves the previous version live, and keeps the problem for admins', async () => {
    await importCourses(root);
    const before = await getLiveCourse(COURSE);
    const module = before!.modules[2]!;
    const file = `0${module.order}-${module.slug}.zh.md`;
    edit(file, (text) => `${text}\n![](assets/${FIXTURE_ATTACHMENT.name})\n`);
    edit(`0${module.order}-${module.slug}.en.md`, (text) => `${text}\nThis sentence must not go live.\n`);

    const outcome = (await importCourses(root)).find((o) => o.slug === COURSE);
    expect(outcome?.status).toBe('invalid');
    expect(outcome?.problems.map((p) => `${path.basename(p.file)}:${p.message}`)).toContain(`${file}:image has no alt text`);
    expect(outcome?.problems[0]?.line).toBeGreaterThan(1);

    const live = await getLiveCourse(COURSE);
    expect(live?.version).toBe(1);
    expect(JSON.stringify(live)).not.toContain('This sentence must not go live.');
    expect(await CourseVersion.countDocuments({ courseSlug: COURSE })).toBe(1);
    const report = await ImportReport.findOne({ courseSlug: COURSE }).lean();
    expect(report?.problems.some((p) => p.message === 'image has no alt text')).toBe(true);

    const page = await request(test.app).get(`/courses/${COURSE}/modules/${module.slug}`).expect(200);
    expect(page.text).not.toContain('This sentence must not go live.');
  });

  it('two importers racing on the same content create one version', async () => {
    const outcomes = await Promise.all([importCourses(root), importCourses(root)]);
    expect(outcomes.flat().every((o) => o.version === 1)).toBe(true);
    expect(await CourseVersion.countDocuments()).toBe(SLUGS.length);
  });

  it('returns nothing for a missing courses folder', async () => {
    await expect(importCourses(path.join(root, 'missing'))).resolves.toEqual([]);
  });
});
