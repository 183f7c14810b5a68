import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCoursesCheck } from '../../src/courses/course-check';
import { holdNewCourseToWarnings, loadCourseFolder } from '../../src/courses/course-files';
import { formatProblem } from '../../src/courses/course-validator';
import { moduleSections } from '../../src/courses/markdown';
import { sectionSlug } from '../../src/courses/module-sections';
import { drawQuestions } from '../../src/learning/quiz-draw';

const FIXTURE = 'test/fixtures/quiz-courses/quiz-pools';
const QUIZ = '01-drawing.quiz.yaml';

/** A copy of the quiz fixture course with one file edited; returns the course folder and its courses root. */
function courseWith(file: string, edit: (text: string) => string): { root: string; dir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pa-quiz-validator-'));
  const dir = path.join(root, 'quiz-pools');
  cpSync(FIXTURE, dir, { recursive: true });
  const target = path.join(dir, file);
  writeFileSync(target, edit(readFileSync(target, 'utf8')));
  return { root, dir };
}

const lineOf = (dir: string, file: string, needle: string) =>
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(needle)) + 1;

describe('quiz pools, sections and fixed options in the validator', () => {
  it('accepts the fixture: draw, section and fixed are read and typed', async () => {
    const { course, problems, warnings } = await loadCourseFolder(FIXTURE);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const quiz = course!.modules[0]!.quiz!;
    expect(quiz.draw).toBe(2);
    expect(quiz.questions.map((question) => question.section)).toEqual([
      'why-pools-matter',
      'options-and-order',
      'reading-the-rules',
      undefined,
    ]);
    expect(quiz.questions[1]!.options.map((option) => option.fixed ?? false)).toEqual([false, false, false, true]);
  });

  it('reports a draw larger than the pool as an error at its line', async () => {
    const { dir } = courseWith(QUIZ, (text) => text.replace('draw: 2', 'draw: 5'));
    const result = await loadCourseFolder(dir);
    expect(result.course).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual(
      [`${path.join(dir, QUIZ)}:1: draw 5 is larger than the pool of 4 questions`].map(rel),
    );
  });

  it('rejects a draw that is not a whole number of at least 1', async () => {
    const { dir } = courseWith(QUIZ, (text) => text.replace('draw: 2', 'draw: 0'));
    const result = await loadCourseFolder(dir);
    expect(result.problems.map((problem) => problem.message)).toEqual(['draw must be a whole number 1 or more']);
  });

  it('warns about a pool smaller than twice the draw in courses:check, and holds a new course to it', async () => {
    const { root, dir } = courseWith(QUIZ, (text) => text.replace('draw: 2', 'draw: 3'));
    const result = await loadCourseFolder(dir);
    expect(result.problems).toEqual([]);
    expect(result.course).toBeDefined();
    const warning = `${rel(path.join(dir, QUIZ))}:1: pool of 4 questions is smaller than twice the draw (3): retakes repeat most questions`;
    expect(result.warnings!.map(formatProblem)).toEqual([warning]);

    const lines: string[] = [];
    expect(await runCoursesCheck(root, (line) => lines.push(line))).toBe(0);
    expect(lines).toContain(warning.replace(': pool of', ': warning: pool of'));
    expect(lines.at(-1)).toBe('courses:check: 1 course, 2 modules, no problems. 1 warning.');

    // A course that does not exist yet (authoring, zip import) gets it as an error.
    const held = holdNewCourseToWarnings(result);
    expect(held.course).toBeUndefined();
    expect(held.problems.map(formatProblem)).toEqual([warning]);
  });

  it('reports a section that matches no ## heading of the module, with file:line', async () => {
    const { dir } = courseWith(QUIZ, (text) => text.replace('section: options-and-order', 'section: options-and-orders'));
    const result = await loadCourseFolder(dir);
    const line = lineOf(dir, QUIZ, 'section: options-and-orders');
    expect(line).toBeGreaterThan(1);
    expect(result.problems.map(formatProblem)).toEqual([
      `${rel(path.join(dir, QUIZ))}:${line}: unknown section: options-and-orders (no ## heading of the module has this slug)`,
    ]);
  });

  it('reports a Chinese page with a different number of ## headings', async () => {
    const file = '01-drawing.zh.md';
    const { dir } = courseWith(file, (text) => text.replace('## 规则解读', '### 规则解读'));
    const result = await loadCourseFolder(dir);
    expect(result.problems.map((problem) => problem.message)).toEqual([
      '2 ## headings, but 01-drawing.en.md has 3 (section anchors are matched by position)',
    ]);
    expect(result.problems[0]!.file).toBe(rel(path.join(dir, file)));
  });

  it('rejects fixed that is not a boolean', async () => {
    const { dir } = courseWith(QUIZ, (text) => text.replace('fixed: true', 'fixed: yes please'));
    const result = await loadCourseFolder(dir);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/fixed/);
  });
});

describe('section slugs', () => {
  it('follow the lead rule: lower case, runs of other characters become -, trimmed', () => {
    expect(sectionSlug('The eligibility declaration (UN Secretariat)')).toBe('the-eligibility-declaration-un-secretariat');
    expect(sectionSlug('  Step 2: “Go / no-go”?  ')).toBe('step-2-go-no-go');
  });

  it('are read from ## headings only, with their file lines', () => {
    const body = '# Not this\n\n## First *one*\n\ntext\n\n### Not this either\n\n## Second [[term|glossary]]\n';
    expect(moduleSections(body, 10)).toEqual([
      { slug: 'first-one', text: 'First one', line: 12 },
      { slug: 'second-glossary', text: 'Second glossary', line: 18 },
    ]);
  });
});

describe('drawQuestions', () => {
  const option = (id: string, fixed = false) => ({ id, text: { en: id, zh: id }, ...(fixed ? { fixed } : {}) });
  const question = (id: string) => ({
    id,
    type: 'single' as const,
    prompt: { en: id, zh: id },
    options: [option('a'), option('b'), option('c'), option('z', true)],
    answer: ['a'],
    explanation: { en: '', zh: '' },
    reference: 'S1',
  });
  const module = { quiz: { draw: 3, questions: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map(question) } } as never;

  it('draws `draw` distinct questions, never the previous set again, and keeps fixed options in place', () => {
    let previous = drawQuestions(module);
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const drawn = drawQuestions(module, previous);
      expect(new Set(drawn.map((entry) => entry.id)).size).toBe(3);
      expect(drawn.map((entry) => entry.id).sort()).not.toEqual(previous.map((entry) => entry.id).sort());
      for (const entry of drawn) {
        expect(entry.options[3]).toBe('z');
        expect([...entry.options].sort()).toEqual(['a', 'b', 'c', 'z']);
        firsts.add(entry.options[0]!);
      }
      previous = drawn;
    }
    expect(firsts).toEqual(new Set(['a', 'b', 'c']));
  });
});

function rel(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/');
}
