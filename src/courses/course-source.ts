import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CourseAsset, Lang, Problem } from './course-types';
import { parseYamlText, type YamlFile } from './yaml-reader';

/** A module Markdown file split into front matter and body; `bodyLine` is the file line of the body's first line. */
export type MarkdownFile = { file: string; name: string; frontMatter?: YamlFile; body: string; bodyLine: number; text: string };

/** The files of one module, grouped by their common `NN-slug` prefix. */
export type ModuleSource = {
  base: string;
  number: number;
  slug: string;
  pages: Partial<Record<Lang, MarkdownFile>>;
  /** Display path of the quiz file, present even when its YAML did not parse. */
  quizFile?: string;
  quiz?: YamlFile;
  /** The quiz file's text, for checks that read it line by line (glossary wording). */
  quizText?: string;
};

/** Everything read from one course folder, before any validation beyond file names and syntax. */
export type CourseSource = {
  slug: string;
  dir: string;
  courseFile: string;
  courseYaml?: YamlFile;
  modules: ModuleSource[];
  assets: CourseAsset[];
  problems: Problem[];
};

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const pagePattern = /^(\d+)-(.*)\.(en|zh)\.md$/;
const quizPattern = /^(\d+)-(.*)\.quiz\.yaml$/;

export function isValidSlug(value: string): boolean {
  return slugPattern.test(value);
}

/** A path as people type it in messages: relative to the working directory, with `/` separators. */
export function displayPath(absolute: string): string {
  return path.relative(process.cwd(), absolute).split(path.sep).join('/') || '.';
}

/** Strips a byte-order mark and turns CRLF into LF, so line numbers and hashes do not depend on the editor. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Splits `---` front matter from the body. */
export function splitFrontMatter(text: string): { yamlText?: string; body: string; bodyLine: number; error?: string } {
  const lines = text.split('\n');
  if (lines[0]?.trimEnd() !== '---') return { body: text, bodyLine: 1, error: 'missing front matter: the file must start with a --- line' };
  const end = lines.findIndex((line, index) => index > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (end < 0) return { body: '', bodyLine: lines.length + 1, error: 'front matter is not closed with a --- line' };
  return { yamlText: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), bodyLine: end + 2 };
}

/** Reads a course folder: classifies files by name, parses YAML and front matter, hashes assets. */
export async function readCourseSource(dir: string): Promise<CourseSource> {
  const absolute = path.resolve(dir);
  const slug = path.basename(absolute);
  const courseFile = displayPath(path.join(absolute, 'course.yaml'));
  const source: CourseSource = { slug, dir: absolute, courseFile, modules: [], assets: [], problems: [] };
  const problems = source.problems;
  if (!isValidSlug(slug)) problems.push({ file: courseFile, line: 1, message: `invalid course slug: ${slug} (use a-z, 0-9 and -)` });

  const entries = (await readdir(absolute, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const modules = new Map<string, ModuleSource>();
  const moduleFor = (number: string, moduleSlug: string): ModuleSource => {
    const base = `${number}-${moduleSlug}`;
    let found = modules.get(base);
    if (!found) {
      found = { base, number: Number(number), slug: moduleSlug, pages: {} };
      modules.set(base, found);
    }
    return found;
  };

  if (!entries.some((entry) => entry.isFile() && entry.name === 'course.yaml')) {
    problems.push({ file: courseFile, line: 1, message: 'missing course.yaml' });
  }
  for (const entry of entries) {
    const full = path.join(absolute, entry.name);
    const file = displayPath(full);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      if (entry.name === 'assets') source.assets = await readAssets(full);
      else problems.push({ file, line: 1, message: 'unexpected folder: only assets/ may hold other files' });
      continue;
    }
    if (entry.name === 'course.yaml') {
      const parsed = parseYamlText(file, normaliseText(await readFile(full, 'utf8')), 0, 'YAML');
      source.courseYaml = parsed.yaml;
      problems.push(...parsed.problems);
      continue;
    }
    const page = pagePattern.exec(entry.name);
    const quiz = quizPattern.exec(entry.name);
    const match = page ?? quiz;
    if (!match) {
      problems.push({ file, line: 1, message: 'unexpected file: module files are named NN-slug.en.md, NN-slug.zh.md and NN-slug.quiz.yaml' });
      continue;
    }
    const [, number = '', moduleSlug = ''] = match;
    if (!isValidSlug(moduleSlug)) {
      problems.push({ file, line: 1, message: `invalid module slug: ${moduleSlug} (use a-z, 0-9 and -)` });
      continue;
    }
    const target = moduleFor(number, moduleSlug);
    const text = normaliseText(await readFile(full, 'utf8'));
    if (quiz) {
      const parsed = parseYamlText(file, text, 0, 'YAML');
      target.quizFile = file;
      target.quizText = text;
      target.quiz = parsed.yaml;
      problems.push(...parsed.problems);
    } else {
      const lang = page?.[3] as Lang;
      target.pages[lang] = readMarkdownFile(file, entry.name, text, problems);
    }
  }
  source.modules = [...modules.values()];
  return source;
}

function readMarkdownFile(file: string, name: string, text: string, problems: Problem[]): MarkdownFile {
  const split = splitFrontMatter(text);
  const page: MarkdownFile = { file, name, body: split.body, bodyLine: split.bodyLine, text };
  if (split.error) problems.push({ file, line: 1, message: split.error });
  if (split.yamlText !== undefined) {
    const parsed = parseYamlText(file, split.yamlText, 1, 'front matter');
    page.frontMatter = parsed.yaml;
    problems.push(...parsed.problems);
  }
  return page;
}

async function readAssets(assetsDir: string): Promise<CourseAsset[]> {
  const entries = await readdir(assetsDir, { withFileTypes: true, recursive: true });
  const assets: CourseAsset[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(assetsDir, full).split(path.sep).join('/');
    if (name.split('/').some((part) => part.startsWith('.'))) continue;
    const bytes = await readFile(full);
    assets.push({ name, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }
  return assets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
