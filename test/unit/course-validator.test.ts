import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCoursesCheck } from '../../src/courses/course-check';
import { loadCourseFolder, loadCoursesRoot } from '../../src/courses/course-files';
import { formatProblem } from '../../src/courses/course-validator';

const brokenRoot = 'test/fixtures/broken-courses';
const validRoot = 'test/fixtures/valid-course';
const validCourse = path.join(validRoot, 'minimal-course');

/** Each broken fixture is the valid minimal course with one defect; these are the exact lines courses:check prints. */
const expectedProblems: Record<string, string[]> = {
  'image-without-alt': ['01-first-steps.en.md:17: image has no alt text'],
  'missing-translation': ['01-first-steps.en.md:1: missing translation: 01-first-steps.zh.md'],
  'quiz-answer-not-in-options': ['01-first-steps.quiz.yaml:11: answer z is not among the options (a, b)'],
  'duplicate-module-order': [
    `01-more-steps.en.md:2: duplicate module order: 1 (also at ${brokenRoot}/duplicate-module-order/01-first-steps.en.md:2)`,
  ],
  'unknown-reference': ['01-first-steps.quiz.yaml:26: unknown reference id: S9'],
  'unknown-reference-in-module': ['01-first-steps.en.md:7: unknown reference id: S9', '01-first-steps.zh.md:7: unknown reference id: S9'],
  'unknown-glossary-term': ['01-first-steps.en.md:9: unknown glossary id: unspsc'],
  'raw-html': ['01-first-steps.en.md:13: raw HTML is not allowed: <div class="note">Registered?</div>'],
  'yaml-syntax': ['course.yaml:8: YAML syntax error: All mapping items must start at the same column'],
  'front-matter-syntax': ['01-first-steps.zh.md:4: front matter syntax error: Nested mappings are not allowed in compact mappings'],
  'missing-asset': ['01-first-steps.en.md:20: link to missing asset: assets/check-list.csv'],
  'missing-field': ['course.yaml:1: missing required field: passMark'],
  'missing-zh-text': ['course.yaml:3: missing zh text: audience'],
  'front-matter-mismatch': ['01-first-steps.zh.md:4: minutes differs from 01-first-steps.en.md (en: 10, zh: 12)'],
  'truefalse-with-options': ['01-first-steps.quiz.yaml:30: truefalse question must not have options'],
  'truefalse-answer-not-boolean': ['01-first-steps.quiz.yaml:30: truefalse answer must be true or false'],
  'multiple-empty-answer': ['01-first-steps.quiz.yaml:24: multiple answer must list at least one option id'],
  'duplicate-question-id': [
    `01-first-steps.quiz.yaml:14: duplicate question id: where-to-start (also at ${brokenRoot}/duplicate-question-id/01-first-steps.quiz.yaml:2)`,
  ],
  'invalid-module-slug': [
    '01-First_Steps.en.md:1: invalid module slug: First_Steps (use a-z, 0-9 and -)',
    '01-First_Steps.quiz.yaml:1: invalid module slug: First_Steps (use a-z, 0-9 and -)',
    '01-First_Steps.zh.md:1: invalid module slug: First_Steps (use a-z, 0-9 and -)',
  ],
  'unclosed-callout': ['01-first-steps.zh.md:19: callout :::tip is not closed: add a line with ::: after it'],
  'unsafe-link': ['01-first-steps.en.md:9: link not allowed: javascript:alert(1) (use http, https, mailto or a file in assets/)'],
};

describe('course validator on broken fixtures', () => {
  it('has an expectation for every fixture folder', async () => {
    expect((await readdir(brokenRoot)).sort()).toEqual(Object.keys(expectedProblems).sort());
  });

  it.each(Object.entries(expectedProblems))('%s: reports exactly its defect and rejects the course', async (kind, lines) => {
    const result = await loadCourseFolder(path.join(brokenRoot, kind));
    expect(result.problems.map(formatProblem)).toEqual(lines.map((line) => `${brokenRoot}/${kind}/${line}`));
    expect(result.course).toBeUndefined();
  });
});

describe('course loader on the valid minimal course', () => {
  it('loads without problems into typed, normalised structures', async () => {
    const { course, problems } = await loadCourseFolder(validCourse);
    expect(problems).toEqual([]);
    expect(course).toMatchObject({
      slug: 'minimal-course',
      dir: path.resolve(validCourse),
      level: 'beginner',
      passMark: 70,
      maxQuizAttempts: 0,
      completion: 'modules-and-quizzes',
      outcomes: [{ en: 'Pass the validator', zh: '通过验证' }],
      references: { S1: { title: 'UNGM Help Centre', url: 'https://help.ungm.org/' }, S2: { title: 'A printed manual' } },
      glossary: { ungm: { term: { en: 'UNGM', zh: '联合国全球采购网' } } },
    });
    const module = course?.modules[0];
    expect(module).toMatchObject({
      slug: 'first-steps',
      order: 1,
      minutes: 10,
      references: ['S1', 'S2'],
      title: { en: 'First steps', zh: '第一步' },
    });
    expect(module?.objectives.zh).toEqual(['在联合国全球采购网注册']);
    expect(module?.markdown.en.startsWith('Start on [[ungm]].')).toBe(true);
    expect(module?.quiz?.questions.map((question) => question.answer)).toEqual([['a'], ['a', 'b'], true]);
    expect(module?.quiz?.questions[0]?.options[0]?.feedback).toEqual({ en: 'Right.', zh: '正确。' });
    expect(course?.assets.map((asset) => asset.name)).toEqual(['checklist.csv', 'diagram.png']);
    expect(course?.assets[0]).toEqual({ name: 'checklist.csv', size: 23, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(course?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('content hash', () => {
    let tmp: string;
    beforeEach(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'course-hash-'));
    });
    afterEach(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('is stable across runs, copies, line endings and modification times', async () => {
      const original = (await loadCourseFolder(validCourse)).course;
      const copy = path.join(tmp, 'minimal-course');
      await cp(validCourse, copy, { recursive: true });
      const enFile = path.join(copy, '01-first-steps.en.md');
      await writeFile(enFile, `\uFEFF${(await readFile(enFile, 'utf8')).replace(/\n/g, '\r\n')}`);
      const copied = (await loadCourseFolder(copy)).course;
      expect(copied?.contentHash).toBe(original?.contentHash);
      expect(copied?.modules[0]?.contentHash).toBe(original?.modules[0]?.contentHash);
      expect((await loadCourseFolder(validCourse)).course?.contentHash).toBe(original?.contentHash);
    });

    it('changes with the text of either language and with assets', async () => {
      const original = (await loadCourseFolder(validCourse)).course;
      const copy = path.join(tmp, 'minimal-course');
      await cp(validCourse, copy, { recursive: true });
      const zhFile = path.join(copy, '01-first-steps.zh.md');
      await writeFile(zhFile, (await readFile(zhFile, 'utf8')).replace('开始。', '开始吧。'));
      const edited = (await loadCourseFolder(copy)).course;
      expect(edited?.modules[0]?.contentHash).not.toBe(original?.modules[0]?.contentHash);
      expect(edited?.contentHash).not.toBe(original?.contentHash);

      await writeFile(path.join(copy, 'assets', 'checklist.csv'), 'step,action\n1,register now\n');
      const withNewAsset = (await loadCourseFolder(copy)).course;
      expect(withNewAsset?.modules[0]?.contentHash).toBe(edited?.modules[0]?.contentHash);
      expect(withNewAsset?.contentHash).not.toBe(edited?.contentHash);
    });
  });
});

describe('loadCoursesRoot', () => {
  it('returns only valid courses and every problem of the invalid ones', async () => {
    const { courses, problems } = await loadCoursesRoot(brokenRoot);
    expect(courses).toEqual([]);
    expect(problems).toHaveLength(Object.values(expectedProblems).flat().length);
  });

  it('reports a folder with module files but no course.yaml', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'course-root-'));
    try {
      await cp(validCourse, path.join(tmp, 'good'), { recursive: true });
      await cp(validCourse, path.join(tmp, 'no-metadata'), { recursive: true });
      await rm(path.join(tmp, 'no-metadata', 'course.yaml'));
      const { courses, problems } = await loadCoursesRoot(tmp);
      expect(courses.map((course) => course.slug)).toEqual(['good']);
      expect(problems.map((problem) => problem.message)).toEqual(['missing course.yaml: this folder is not loaded as a course']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('npm run courses:check', () => {
  it('passes on the real courses folder', async () => {
    const lines: string[] = [];
    expect(await runCoursesCheck('courses', (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^courses:check: 4 courses, \d+ modules, no problems\.$/)]);
  });

  it('passes on the valid fixture and fails with file:line on the broken ones', async () => {
    expect(await runCoursesCheck(validRoot, () => undefined)).toBe(0);
    const lines: string[] = [];
    expect(await runCoursesCheck(brokenRoot, (line) => lines.push(line))).toBe(1);
    expect(lines).toContain(`${brokenRoot}/image-without-alt/01-first-steps.en.md:17: image has no alt text`);
    expect(lines.at(-1)).toMatch(/^courses:check: \d+ problems; invalid courses \(not imported\): .*yaml-syntax; 0 valid\.$/);
  });

  it('exits 0 and 1 when run as a script', () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const run = (root: string) => spawnSync(tsx, ['scripts/courses-check.ts', root], { encoding: 'utf8', timeout: 60_000 });
    const real = run('courses');
    expect(real.status).toBe(0);
    const broken = run(brokenRoot);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`${brokenRoot}/missing-field/course.yaml:1: missing required field: passMark`);
  });
});
