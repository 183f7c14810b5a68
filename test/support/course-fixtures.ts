import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';

/**
 * Writes a small valid course folder: `modules` modules in both languages, each with a two-question quiz (one
 * single choice whose answer is `a`, one true/false whose answer is `true`) unless `quizzes` is false.
 */
export function writeFixtureCourse(options: {
  slug: string;
  modules: number;
  quizzes?: boolean;
  maxQuizAttempts?: number;
  passMark?: number;
  /** The course title (default "Fixture <slug>" / "测试课程 <slug>"). */
  title?: { en: string; zh: string };
  /** A courses folder to add this course to (several fixture courses in one import); default a new folder. */
  root?: string;
  /** Files written to the course's assets/ folder (attachments; any file there is imported). */
  assets?: Record<string, string | Buffer>;
}): string {
  const root = options.root ?? mkdtempSync(path.join(os.tmpdir(), 'pa-fixture-courses-'));
  const dir = path.join(root, options.slug);
  mkdirSync(dir);
  if (options.assets) {
    mkdirSync(path.join(dir, 'assets'));
    for (const [name, data] of Object.entries(options.assets)) writeFileSync(path.join(dir, 'assets', name), data);
  }
  writeFileSync(
    path.join(dir, 'course.yaml'),
    [
      `title: { en: "${options.title?.en ?? `Fixture ${options.slug}`}", zh: "${options.title?.zh ?? `测试课程 ${options.slug}`}" }`,
      'summary: { en: A course made by a test., zh: 测试生成的课程。 }',
      'audience: { en: Tests, zh: 测试 }',
      'level: beginner',
      `minutes: ${options.modules * 5}`,
      'outcomes:',
      '  - { en: Finish, zh: 完成 }',
      `passMark: ${options.passMark ?? 100}`,
      `maxQuizAttempts: ${options.maxQuizAttempts ?? 0}`,
      `completion: ${options.quizzes === false ? 'modules-only' : 'modules-and-quizzes'}`,
      'certificate: { en: has completed the fixture course, zh: 已完成测试课程 }',
      'references:',
      '  S1: { title: "UNGM Help Centre", url: "https://help.ungm.org/" }',
      'glossary: {}',
      '',
    ].join('\n'),
  );
  for (let n = 1; n <= options.modules; n += 1) {
    const base = `${String(n).padStart(2, '0')}-module-${n}`;
    for (const [lang, title] of [
      ['en', `Module ${n}`],
      ['zh', `第 ${n} 单元`],
    ] as const) {
      writeFileSync(
        path.join(dir, `${base}.${lang}.md`),
        `---\norder: ${n}\ntitle: "${title}"\nminutes: 5\nobjectives:\n  - "${title}"\nreferences: [S1]\n---\nText of ${title}, secret-free.\n`,
      );
    }
    if (options.quizzes !== false) {
      writeFileSync(
        path.join(dir, `${base}.quiz.yaml`),
        [
          'questions:',
          `  - id: q${n}-choice`,
          '    type: single',
          `    prompt: { en: "Question one of module ${n}", zh: "第 ${n} 单元第一题" }`,
          '    options:',
          '      - { id: a, text: { en: Right option, zh: 正确选项 }, feedback: { en: FEEDBACK-A, zh: 反馈A } }',
          '      - { id: b, text: { en: Wrong option, zh: 错误选项 }, feedback: { en: FEEDBACK-B, zh: 反馈B } }',
          '    answer: a',
          `    explanation: { en: "EXPLANATION-${n}-1", zh: "解析${n}-1" }`,
          '    reference: S1',
          `  - id: q${n}-truth`,
          '    type: truefalse',
          `    prompt: { en: "Statement of module ${n}", zh: "第 ${n} 单元判断题" }`,
          '    answer: true',
          `    explanation: { en: "EXPLANATION-${n}-2", zh: "解析${n}-2" }`,
          '    reference: S1',
          '',
        ].join('\n'),
      );
    }
  }
  return root;
}

/**
 * The course the certificate tests issue certificates for: a fixture, so editing the shipped courses cannot break
 * them. Its Chinese title exercises the CJK font of the PDF.
 */
export const CERTIFICATE_COURSE = {
  slug: 'certified-course',
  title: { en: 'Certified fixture course: rules and first steps', zh: '认证测试课程：规则与入门' },
} as const;

/** Writes CERTIFICATE_COURSE (two modules with quizzes) and returns its courses folder. */
export function writeCertificateCourse(): string {
  return writeFixtureCourse({ slug: CERTIFICATE_COURSE.slug, modules: 2, title: { ...CERTIFICATE_COURSE.title } });
}

/** The courses of writeFixtureCourseSet(), in slug order, with their module counts. */
export const FIXTURE_SET = [
  { slug: 'fixture-alpha', modules: 4, title: { en: 'Alpha fixture course', zh: '甲测试课程' } },
  { slug: 'fixture-beta', modules: 3, title: { en: 'Beta fixture course', zh: '乙测试课程' } },
  { slug: 'fixture-gamma', modules: 2, title: { en: 'Gamma fixture course', zh: '丙测试课程' } },
] as const;
/** The attachment of fixture-alpha (a CSV, served as a download). */
export const FIXTURE_ATTACHMENT = { name: 'bid-checklist.csv', text: 'item,done\nsigned offer,no\nprice schedule,no\n' };

/**
 * A courses folder of three small fixture courses (FIXTURE_SET; fixture-alpha has FIXTURE_ATTACHMENT, fixture-gamma
 * has no quizzes), for the tests that import "a few courses" and must not depend on the shipped content.
 */
export function writeFixtureCourseSet(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pa-fixture-set-'));
  for (const course of FIXTURE_SET) {
    writeFixtureCourse({
      slug: course.slug,
      modules: course.modules,
      title: { ...course.title },
      root,
      quizzes: course.slug !== 'fixture-gamma',
      ...(course.slug === 'fixture-alpha' ? { assets: { [FIXTURE_ATTACHMENT.name]: FIXTURE_ATTACHMENT.text } } : {}),
    });
  }
  return root;
}

/** The slugs of the courses shipped in courses/, sorted (tests that import the real content count from this). */
export function shippedCourseSlugs(): string[] {
  const root = path.resolve('courses');
  return readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'course.yaml')))
    .sort();
}

/**
 * Writes a published course head straight into the `courses` collection, as another process's import would,
 * for tests that watch a running server notice it (no version behind it: only the catalogue reads it).
 */
export async function insertCourseHead(uri: string, slug: string, title: string): Promise<void> {
  const client = await mongoose.mongo.MongoClient.connect(uri);
  try {
    await client
      .db()
      .collection('courses')
      .insertOne({
        slug,
        title: { en: title, zh: title },
        summary: { en: `${title}: summary`, zh: `${title}：简介` },
        level: 'beginner',
        minutes: 10,
        moduleCount: 1,
        isPublished: true,
        currentVersion: 1,
        contentHash: 'x',
        sortOrder: 0,
      });
  } finally {
    await client.close();
  }
}
