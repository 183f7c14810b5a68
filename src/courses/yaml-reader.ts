import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Bilingual, Problem } from './course-types';

/** A parsed YAML text that remembers where it sits in its file, so every node maps back to a file line. */
export type YamlFile = { file: string; doc: Document.Parsed; lineCounter: LineCounter; lineOffset: number };

/** Reads one value node; `line` is where the field is written, `path` names it in messages. */
export type ValueReader<T> = (node: Node, line: number, path: string) => T | undefined;

/**
 * Parses YAML text that starts `lineOffset` lines into `file` (1 for front matter below its opening `---`).
 * A syntax error comes back as a problem and no document: only the first is reported, since the ones after it are
 * mostly its echoes, and a half-parsed file would only add noise.
 */
export function parseYamlText(file: string, text: string, lineOffset: number, label: string): { yaml?: YamlFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, 1).map((error) => ({
      file,
      line: (error.linePos?.[0].line ?? 1) + lineOffset,
      message: `${label} syntax error: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    }));
    return { problems };
  }
  return { yaml: { file, doc, lineCounter, lineOffset }, problems: [] };
}

/** Typed, line-aware access to a parsed YAML document; every invalid value is reported and read as undefined. */
export class YamlReader {
  constructor(
    readonly yaml: YamlFile,
    readonly problems: Problem[],
  ) {}

  get file(): string {
    return this.yaml.file;
  }

  lineOf(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    const line = range ? this.yaml.lineCounter.linePos(range[0]).line : 1;
    return Math.max(line, 1) + this.yaml.lineOffset;
  }

  report(line: number, message: string): void {
    this.problems.push({ file: this.yaml.file, line, message });
  }

  /** The top-level map; an empty document reads as an empty map so that required fields are reported one by one. */
  root(what: string): YAMLMap | undefined {
    const contents = this.resolve(this.yaml.doc.contents);
    if (contents === undefined) return this.yaml.doc.createNode({}) as YAMLMap;
    if (isMap(contents)) return contents;
    this.report(this.lineOf(contents), `${what} must be a YAML map of fields`);
    return undefined;
  }

  /** Reads `map[key]`; reports a missing required field at the map's first line. */
  at<T>(map: YAMLMap, key: string, path: string, read: ValueReader<T>, required = true): T | undefined {
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const value = this.resolve(pair?.value);
    if (!pair || value === undefined || (isScalar(value) && value.value === null)) {
      if (required) this.report(pair ? this.lineOf(pair.key) : this.lineOf(map), `missing required field: ${path}`);
      return undefined;
    }
    return read(value, this.lineOf(pair.key), path);
  }

  /** Reports fields that no reader looks at: usually a typo of an optional field, which would be silently ignored. */
  rejectUnknownKeys(map: YAMLMap, allowed: readonly string[], path: string): void {
    for (const item of map.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '?';
      if (!allowed.includes(key)) this.report(this.lineOf(item.key), `unknown field: ${path ? `${path}.` : ''}${key}`);
    }
  }

  /** Key, line and value of each entry of a map, in file order. */
  entries(map: YAMLMap): { key: string; line: number; value: Node | undefined }[] {
    return map.items.map((item) => ({
      key: isScalar(item.key) ? String(item.key.value) : '',
      line: this.lineOf(item.key),
      value: this.resolve(item.value),
    }));
  }

  /** Items of a list with their lines. */
  items(seq: YAMLSeq): { line: number; value: Node | undefined }[] {
    return seq.items.map((item) => ({ line: this.lineOf(item), value: this.resolve(item) }));
  }

  readonly map: ValueReader<YAMLMap> = (node, line, path) => {
    if (isMap(node)) return node;
    this.report(line, `${path} must be a map of fields`);
    return undefined;
  };

  readonly list: ValueReader<YAMLSeq> = (node, line, path) => {
    if (isSeq(node)) return node;
    this.report(line, `${path} must be a list`);
    return undefined;
  };

  /** Non-empty text; numbers are accepted and read as text (a title may well be `2030`). */
  readonly text: ValueReader<string> = (node, line, path) => {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') {
      this.report(line, `${path} must be text`);
      return undefined;
    }
    if (value.trim() === '') {
      this.report(line, `missing required field: ${path}`);
      return undefined;
    }
    return value;
  };

  readonly boolean: ValueReader<boolean> = (node, line, path) => {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.report(line, `${path} must be true or false`);
    return undefined;
  };

  /** `{ en, zh }` with both texts present and non-empty. */
  readonly bilingual: ValueReader<Bilingual> = (node, line, path) => {
    if (!isMap(node)) {
      this.report(line, `${path} must have en and zh text: { en: ..., zh: ... }`);
      return undefined;
    }
    const texts: Partial<Bilingual> = {};
    for (const lang of ['en', 'zh'] as const) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === lang);
      const value = this.resolve(pair?.value);
      const raw = isScalar(value) ? value.value : undefined;
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
        this.report(pair ? this.lineOf(pair.key) : line, `missing ${lang} text: ${path}`);
      } else if (typeof raw === 'string' || typeof raw === 'number') {
        texts[lang] = String(raw);
      } else {
        this.report(this.lineOf(value), `${path}.${lang} must be text`);
      }
    }
    this.rejectUnknownKeys(node, ['en', 'zh'], path);
    return texts.en !== undefined && texts.zh !== undefined ? { en: texts.en, zh: texts.zh } : undefined;
  };

  /** A whole number within [min, max]. */
  integer(min: number, max = Number.MAX_SAFE_INTEGER): ValueReader<number> {
    return (node, line, path) => {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      this.report(line, `${path} must be a whole number ${range}`);
      return undefined;
    };
  }

  /** A list whose items all read cleanly, with at least `min` of them. */
  listOf<T>(read: ValueReader<T>, min = 0): ValueReader<T[]> {
    return (node, line, path) => {
      const seq = this.list(node, line, path);
      if (!seq) return undefined;
      const items = this.items(seq);
      if (items.length < min) {
        this.report(line, `${path} must list at least ${min} item${min === 1 ? '' : 's'}`);
        return undefined;
      }
      const values = items.map(({ value, line: itemLine }, index) => {
        if (value !== undefined && !(isScalar(value) && value.value === null)) return read(value, itemLine, `${path}[${index}]`);
        this.report(itemLine, `missing required field: ${path}[${index}]`);
        return undefined;
      });
      return values.every((value) => value !== undefined) ? (values as T[]) : undefined;
    };
  }

  /** A map of ids to entries; ids must match `idPattern` (a prototype key such as `__proto__` never does). */
  mapOf<T>(read: ValueReader<T>, idPattern: RegExp, idKind: string): ValueReader<Record<string, T>> {
    return (node, line, path) => {
      const map = this.map(node, line, path);
      if (!map) return undefined;
      const result: Record<string, T> = {};
      let isComplete = true;
      for (const entry of this.entries(map)) {
        if (!idPattern.test(entry.key)) {
          this.report(entry.line, `invalid ${idKind} id: ${entry.key} (use letters, digits and -)`);
          isComplete = false;
          continue;
        }
        const isEmpty = entry.value === undefined || (isScalar(entry.value) && entry.value.value === null);
        const value = isEmpty || !entry.value ? undefined : read(entry.value, entry.line, `${path}.${entry.key}`);
        if (isEmpty) this.report(entry.line, `missing required field: ${path}.${entry.key}`);
        if (value === undefined) isComplete = false;
        else result[entry.key] = value;
      }
      return isComplete ? result : undefined;
    };
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(values: readonly T[]): ValueReader<T> {
    return (node, line, path) => {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
      this.report(line, `${path} must be one of: ${values.join(', ')}`);
      return undefined;
    };
  }

  private resolve(node: unknown): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return this.resolve(node.resolve(this.yaml.doc));
    return node as Node;
  }
}
