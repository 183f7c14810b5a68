/**
 * Every relative link and image in the project's documentation points at a file that exists, and every #anchor at a
 * heading (or an explicit id) of the Markdown file it names. Broken links are reported as `file:line -> target`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** README.md, SECURITY.md, courses/README.md and every Markdown file under docs/ (those that exist). */
function documentationFiles(root: string): string[] {
  const files = ['README.md', 'SECURITY.md', path.join('courses', 'README.md')].filter((file) => existsSync(path.join(root, file)));
  const walk = (dir: string) => {
    if (!existsSync(path.join(root, dir))) return;
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.md')) files.push(relative);
    }
  };
  walk('docs');
  return files;
}

type Link = { line: number; target: string };

/** Link targets outside fenced code blocks and inline code: inline links and images, reference definitions, HTML src/href. */
function linksIn(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((raw, index) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(raw);
    if (opening) {
      if (fence === null) fence = opening[1]![0]!;
      else if (opening[1]![0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    const add = (target: string) => links.push({ line: index + 1, target: target.trim() });
    // [text](target "title") and ![alt](target); the target may be wrapped in <>.
    for (const match of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+["'(][^)]*)?\)/g))
      add(match[1]!.replace(/^<|>$/g, ''));
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition) add(definition[1]!.replace(/^<|>$/g, ''));
    for (const match of line.matchAll(/<(?:img|a|source)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']/gi)) add(match[1]!);
  });
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered; plus explicit ids. */
function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (opening) {
      if (fence === null) fence = opening[1]![0]!;
      else if (opening[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    for (const match of line.matchAll(/<a\s[^>]*?(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(match[1]!);
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase();
    const base = text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

/** Every broken relative link of `files` (paths relative to `root`), as `file:line -> target (why)`. */
function brokenLinks(root: string, files: string[]): string[] {
  const broken: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsIn(readFileSync(file, 'utf8')));
    return anchorCache.get(file)!;
  };
  for (const file of files) {
    const absolute = path.join(root, file);
    for (const { line, target } of linksIn(readFileSync(absolute, 'utf8'))) {
      // External (http:, https:, mailto:, ...) and protocol-relative links are not checked: nothing from the internet.
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const hash = target.indexOf('#');
      const pathPart = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? '' : target.slice(hash + 1);
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathPart.split('?')[0]!);
      } catch {
        broken.push(`${file}:${line} -> ${target} (not a valid URL)`);
        continue;
      }
      const resolved =
        decoded === '' ? absolute : decoded.startsWith('/') ? path.join(root, decoded) : path.resolve(path.dirname(absolute), decoded);
      if (!existsSync(resolved)) {
        broken.push(`${file}:${line} -> ${target} (no such file: ${path.relative(root, resolved)})`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(resolved).has(decodeURIComponent(anchor))) {
        broken.push(`${file}:${line} -> ${target} (no heading #${anchor} in ${path.relative(root, resolved)})`);
      }
    }
  }
  return broken;
}

describe('documentation links', () => {
  it('finds links, images, definitions and anchors, but not in code, and reports each broken one as file:line -> target', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'pa-doc-links-'));
    writeFileSync(path.join(root, 'exists.md'), '# Getting started\n\n## Getting started\n\n## Ünïcode & 中文 heading!\n');
    writeFileSync(
      path.join(root, 'README.md'),
      [
        '# Read me',
        'See [the guide](exists.md#getting-started), [again](exists.md#getting-started-1), [zh](exists.md#ünïcode--中文-heading) and [top](#read-me).',
        '![A picture](missing.png "title") and [web](https://example.org/x) and [mail](mailto:a@example.org).',
        'Inline code is not a link: `[x](nowhere.md)`.',
        '```',
        '[inside a fence](nowhere-either.md)',
        '```',
        '[ref]: ./gone.md',
        '<img src="img/none.svg" alt="none"> [bad anchor](exists.md#no-such-heading) [self](#nope)',
      ].join('\n'),
    );
    expect(brokenLinks(root, ['README.md'])).toEqual([
      'README.md:3 -> missing.png (no such file: missing.png)',
      'README.md:8 -> ./gone.md (no such file: gone.md)',
      'README.md:9 -> exists.md#no-such-heading (no heading #no-such-heading in exists.md)',
      'README.md:9 -> #nope (no heading #nope in README.md)',
      'README.md:9 -> img/none.svg (no such file: img/none.svg)',
    ]);
  });

  it('README.md, SECURITY.md, courses/README.md and docs/**/*.md have no broken relative links', () => {
    const files = documentationFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', path.join('courses', 'README.md')]));
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });
});
