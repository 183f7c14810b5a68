import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCoursesCheck } from '../../src/courses/course-check';
import { loadCourseFolder, loadCoursesRoot } from '../../src/courses/course-files';
import { formatProblem } from '../../src/courses/course-validator';
import { proseForm } from '../../src/courses/glossary-check';
import { renderModuleHtml } from '../../src/courses/markdown';

const root = 'test/fixtures/glossary-courses';
const course = `${root}/term-course`;
const glossary = `${root}/glossary.yaml`;

/** The fixture's Chinese module writes debriefing as 落标说明会 and says 你; its quiz writes integrity as 廉正. */
const expected = [
  `${course}/01-after-the-award.en.md:9: glossary term integrity is written probity here; use integrity (${glossary}:11)`,
  `${course}/01-after-the-award.quiz.yaml:11: glossary term integrity is written 廉正 here; use 诚信 (${glossary}:11)`,
  `${course}/01-after-the-award.zh.md:11: glossary term debriefing is written 落标说明会 here; use 投标结果说明会 (${glossary}:5)`,
  `${course}/01-after-the-award.zh.md:11: wording: use 您, not 你 (${glossary}:16)`,
];

async function withCopy(use: (copyRoot: string) => Promise<void>): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pa-glossary-'));
  try {
    await cp(root, tmp, { recursive: true });
    await use(tmp);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.split(from).join(to));
}

describe('shared glossary check', () => {
  it('reports every inconsistent rendering of a glossary term with file:line, and rejects the course', async () => {
    const { courses, problems } = await loadCoursesRoot(root);
    expect(problems.map(formatProblem)).toEqual(expected);
    expect(courses).toEqual([]);
  });

  it('is what courses:check prints, with a non-zero exit code', async () => {
    const lines: string[] = [];
    expect(await runCoursesCheck(root, (line) => lines.push(line))).toBe(1);
    expect(lines.slice(0, expected.length)).toEqual(expected);
    expect(lines.at(-1)).toBe('courses:check: 4 problems; invalid course (not imported): term-course; 0 valid.');
  });

  it('uses the folder glossary when one course folder is loaded on its own', async () => {
    const result = await loadCourseFolder(course);
    expect(result.problems.map(formatProblem)).toEqual(expected);
  });

  it('accepts the preferred renderings and gives module pop-ups the shared definitions', async () => {
    await withCopy(async (copy) => {
      const zh = path.join(copy, 'term-course/01-after-the-award.zh.md');
      await edit(zh, '如果你没有中标，可以申请落标说明会。', '如果您没有中标，可以申请投标结果说明会。');
      await edit(path.join(copy, 'term-course/01-after-the-award.en.md'), 'probity', 'fairness');
      await edit(path.join(copy, 'term-course/01-after-the-award.quiz.yaml'), '廉正', '诚信');
      const { courses, problems } = await loadCoursesRoot(copy);
      expect(problems).toEqual([]);
      const loaded = courses[0]!;
      expect(Object.keys(loaded.glossary).sort()).toEqual(['debriefing', 'integrity', 'ungm']);
      const html = renderModuleHtml(loaded.modules[0]!.markdown.zh, {
        lang: 'zh',
        courseSlug: loaded.slug,
        glossary: loaded.glossary,
        references: [],
      });
      expect(html).toContain(
        '投标结果说明会（debriefing）<span class="term-definition" role="tooltip" id="term-debriefing-1">应未中标者请求，说明其投标的评审情况。</span>',
      );
    });
  });

  it('refuses a course.yaml that redefines a shared term', async () => {
    await withCopy(async (copy) => {
      const courseYaml = path.join(copy, 'term-course/course.yaml');
      await writeFile(
        courseYaml,
        `${await readFile(courseYaml, 'utf8')}  integrity:\n    term: { en: integrity, zh: 廉正 }\n    definition: { en: Honesty., zh: 诚实。 }\n`,
      );
      const { problems } = await loadCoursesRoot(copy);
      expect(problems.map(formatProblem)).toContainEqual(
        `${path.relative(process.cwd(), courseYaml)}:18: glossary id integrity is defined in ${path.relative(process.cwd(), path.join(copy, 'glossary.yaml'))}: remove it here`,
      );
    });
  });

  it('reports a broken glossary file once and imports no course until it is fixed', async () => {
    await withCopy(async (copy) => {
      await edit(path.join(copy, 'glossary.yaml'), '    variants: { zh: [落标说明会] }\n', '    variant: { zh: [落标说明会] }\n');
      const { courses, problems } = await loadCoursesRoot(copy);
      expect(problems.map(formatProblem)).toEqual([
        `${path.relative(process.cwd(), path.join(copy, 'glossary.yaml'))}:5: unknown field: terms.debriefing.variant`,
      ]);
      expect(courses).toEqual([]);
    });
  });

  it('reports a glossary definition that uses a variant or an avoided word, in glossary.yaml and in course.yaml', async () => {
    await withCopy(async (copy) => {
      const sharedFile = path.relative(process.cwd(), path.join(copy, 'glossary.yaml'));
      const courseFile = path.relative(process.cwd(), path.join(copy, 'term-course/course.yaml'));
      await edit(
        path.join(copy, 'glossary.yaml'),
        'en: Honest dealing, with no gifts or favours.',
        'en: Probity, with no gifts or favours.',
      );
      await edit(path.join(copy, 'glossary.yaml'), 'zh: 应未中标者请求，说明其投标的评审情况。', 'zh: 应未中标者请求召开的落标说明会。');
      await edit(path.join(copy, 'term-course/course.yaml'), 'zh: 联合国采购门户。', 'zh: 你注册的联合国采购门户。');
      const { courses, problems } = await loadCoursesRoot(copy);
      const definitionProblems = problems.map(formatProblem).filter((line) => line.startsWith(sharedFile) || line.startsWith(courseFile));
      expect(definitionProblems).toEqual([
        `${sharedFile}:8: glossary term debriefing is written 落标说明会 here; use 投标结果说明会 (${sharedFile}:5)`,
        `${sharedFile}:13: glossary term integrity is written probity here; use integrity (${sharedFile}:11)`,
        `${courseFile}:17: wording: use 您, not 你 (${sharedFile}:16)`,
      ]);
      expect(courses).toEqual([]);
    });
  });

  it('accepts a variant that shortens the term: reported on its own, not inside the term', async () => {
    await withCopy(async (copy) => {
      await edit(path.join(copy, 'glossary.yaml'), 'variants: { zh: [落标说明会] }', 'variants: { zh: [落标说明会, 结果说明] }');
      const zh = path.join(copy, 'term-course/01-after-the-award.zh.md');
      await edit(zh, '如果你没有中标，可以申请落标说明会。', '如果您没有中标，可以申请结果说明。');
      const { problems } = await loadCoursesRoot(copy);
      const zhFile = path.relative(process.cwd(), zh);
      // Lines 6 and 13 write 投标结果说明会 in full: not reported.
      expect(problems.map(formatProblem).filter((line) => line.startsWith(zhFile))).toEqual([
        `${zhFile}:11: glossary term debriefing is written 结果说明 here; use 投标结果说明会 (${path.relative(process.cwd(), path.join(copy, 'glossary.yaml'))}:5)`,
      ]);
    });
  });

  it('refuses a variant that is the whole term or part of its gloss', async () => {
    await withCopy(async (copy) => {
      await edit(path.join(copy, 'glossary.yaml'), 'variants: { zh: [落标说明会] }', 'variants: { zh: [投标结果说明会, debriefing] }');
      const { problems } = await loadCoursesRoot(copy);
      const sharedFile = path.relative(process.cwd(), path.join(copy, 'glossary.yaml'));
      expect(problems.map(formatProblem)).toEqual([
        `${sharedFile}:5: variant 投标结果说明会 is part of the term itself (投标结果说明会（debriefing）)`,
        `${sharedFile}:5: variant debriefing is part of the term itself (投标结果说明会（debriefing）)`,
      ]);
    });
  });

  it('shows a term in running text without its gloss', () => {
    expect(proseForm('投标结果说明会（debriefing）')).toBe('投标结果说明会');
    expect(proseForm('Incoterms 2020')).toBe('Incoterms 2020');
  });
});
