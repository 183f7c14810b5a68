import path from 'node:path';
import { runCoursesCheck } from '../../src/courses/course-check';
import { QUESTION_COUNT, readReadinessFile } from '../../src/readiness/readiness-file';
import type { Logger } from '../../src/logger';
import { loadReadinessForApp, readinessCheckOf } from '../../src/readiness/readiness-store';
import { levelFor, readAnswers, scoreAnswers, suggestedCourses } from '../../src/readiness/readiness-score';

const fixtures = path.join('test', 'fixtures', 'readiness');

describe('readiness.yaml validator', () => {
  it('reports every problem of a broken file at its file:line', async () => {
    const { check, problems } = await readReadinessFile(path.join(fixtures, 'broken'));
    expect(check).toBeUndefined();
    const file = 'test/fixtures/readiness/broken/readiness.yaml';
    expect(problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`)).toEqual([
      `${file}:4: missing zh text: areas.bids.title`,
      `${file}:10: the last level (later) must accept every result: overallAtLeast: 0, everyAreaAtLeast: 0`,
      `${file}:16: questions must list from 20 to 30 questions (found 2)`,
      `${file}:22: question q1: duplicate option id a`,
      `${file}:24: question q1.modules[1]: no course missing-course in the courses folder`,
      `${file}:24: question q1.modules[2]: course demo-course has no module no-such-module`,
      `${file}:25: question q1.references[1]: unknown reference S9 (add it to references)`,
      `${file}:26: question q2: missing advice (an answer below 1 points is a gap and needs a next step)`,
      `${file}:26: question q2: missing modules (a gap must link to the course modules that teach it)`,
      `${file}:27: question q2.area: unknown area nowhere (areas: ungm)`,
      `${file}:32: unknown field: questions[1].colour`,
    ]);
  });

  it('reports a YAML syntax error with its line and nothing after it', async () => {
    const { problems } = await readReadinessFile(path.join(fixtures, 'syntax'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'test/fixtures/readiness/syntax/readiness.yaml', line: 6 });
    expect(problems[0]!.message).toMatch(/^YAML syntax error: /);
  });

  it('is part of courses:check: a broken readiness file fails it with the same lines', async () => {
    const lines: string[] = [];
    expect(await runCoursesCheck(path.join(fixtures, 'broken'), (line) => lines.push(line))).toBe(1);
    expect(lines).toContain('test/fixtures/readiness/broken/readiness.yaml:22: question q1: duplicate option id a');
  });

  it('a root without readiness.yaml has no readiness problem, unless the app requires one', async () => {
    expect((await readReadinessFile(path.join('test', 'fixtures', 'valid-course'))).problems).toEqual([]);
    const required = await readReadinessFile(path.join('test', 'fixtures', 'valid-course'), true);
    expect(required.problems[0]!.message).toMatch(/missing readiness.yaml/);
  });
});

describe('loading at start-up', () => {
  it('logs a broken file with its file:line problems and serves no check; a good file is served', async () => {
    const logged: unknown[][] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
    const broken = { locals: {} as Record<string, unknown> };
    loadReadinessForApp(broken, path.join(fixtures, 'broken'), logger);
    expect(await readinessCheckOf(broken)).toBeUndefined();
    const [fields, message] = logged[0] as [{ problems: string[] }, string];
    expect(message).toBe('readiness check not loaded: fix readiness.yaml');
    expect(fields.problems).toContain('test/fixtures/readiness/broken/readiness.yaml:22: question q1: duplicate option id a');
    const good = { locals: {} as Record<string, unknown> };
    loadReadinessForApp(good, 'courses', logger);
    expect((await readinessCheckOf(good))?.questions.length).toBeGreaterThanOrEqual(20);
    expect(logged).toHaveLength(1);
  });
});

describe('the shipped courses/readiness.yaml', () => {
  it('passes the validator with 20 to 30 questions over the seven areas of the issue, each linking to course modules', async () => {
    const { check, problems } = await readReadinessFile('courses', true);
    expect(problems).toEqual([]);
    expect(check!.questions.length).toBeGreaterThanOrEqual(QUESTION_COUNT.min);
    expect(check!.questions.length).toBeLessThanOrEqual(QUESTION_COUNT.max);
    expect(check!.areas.map((area) => area.id)).toEqual(['ungm', 'legal', 'ethics', 'quality', 'sustainability', 'capacity', 'bids']);
    expect(check!.levels.map((level) => level.id)).toEqual(['ready-to-bid', 'getting-ready', 'not-yet']);
    for (const question of check!.questions) expect(question.modules.length).toBeGreaterThan(0);
  });

  it('passes courses:check as a whole', async () => {
    const lines: string[] = [];
    expect(await runCoursesCheck('courses', (line) => lines.push(line))).toBe(0);
  });

  it('scores: best answers are ready to bid, worst not yet, and the weakest area leads the suggestions', async () => {
    const { check } = await readReadinessFile('courses', true);
    const best = Object.fromEntries(
      check!.questions.map((q) => [q.id, q.options.find((o) => !o.notApplicable && o.points === q.maxPoints)!.id]),
    );
    const worst = Object.fromEntries(check!.questions.map((q) => [q.id, q.options.find((o) => !o.notApplicable && o.points === 0)!.id]));
    expect(scoreAnswers(check!, best)).toMatchObject({ overall: 100, level: 'ready-to-bid', gaps: [] });
    expect(scoreAnswers(check!, worst)).toMatchObject({ overall: 0, level: 'not-yet' });
    // Only the bid-skills area weak: the bid-writing course comes first.
    const weakBids = { ...best, ...Object.fromEntries(check!.questions.filter((q) => q.area === 'bids').map((q) => [q.id, worst[q.id]!])) };
    const score = scoreAnswers(check!, weakBids);
    expect(score.areas.find((area) => area.area === 'bids')!.percent).toBe(0);
    expect(suggestedCourses(score)[0]).toBe('bid-writing');
    // The level rule: 75% overall is not enough when one area is below 50%.
    expect(levelFor(check!, 80, [{ area: 'bids', points: 0, max: 10, percent: 40 }])).toBe('getting-ready');
    expect(levelFor(check!, 75, [{ area: 'bids', points: 5, max: 10, percent: 50 }])).toBe('ready-to-bid');
    expect(levelFor(check!, 39, [])).toBe('not-yet');
  });

  it('reads answers: missing and unknown option ids are told apart, other fields ignored', async () => {
    const { check } = await readReadinessFile('courses', true);
    const [first, second] = check!.questions;
    const read = readAnswers(check!, { [`q_${first!.id}`]: first!.options[0]!.id, [`q_${second!.id}`]: 'no-such-option', _csrf: 'x' });
    expect(read.answers).toEqual({ [first!.id]: first!.options[0]!.id });
    expect(read.unknown).toEqual([second!.id]);
    expect(read.missing).toHaveLength(check!.questions.length - 2);
  });
});
