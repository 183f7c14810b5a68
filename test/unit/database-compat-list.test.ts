/**
 * Keeps the operation list at the top of test/integration/database-compat.test.ts true: every update or query
 * operator, aggregation stage and database method that src/ uses is listed there (and exercised by a test in that
 * file), and nothing is listed that src/ no longer uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const COMPAT_FILE = path.join(ROOT, 'test/integration/database-compat.test.ts');

/** Database methods whose names nothing else in src/ uses (Array#find, Object.create and fs exists are left out). */
const METHODS = [
  'findOne',
  'findById',
  'exists',
  'countDocuments',
  'estimatedDocumentCount',
  'distinct',
  'insertMany',
  'insertOne',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'findByIdAndUpdate',
  'findByIdAndDelete',
  'aggregate',
  'bulkWrite',
  'createIndexes',
  'listCollections',
  'watch',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Source without comments (a `//` after a colon or quote, as in URLs, is kept). */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

/** What src/ uses: `$operator:` keys (update, query and aggregation stage names alike) and database methods, with the files using them. */
function usedInSrc(): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const add = (name: string, file: string) => used.set(name, (used.get(name) ?? new Set()).add(path.relative(ROOT, file)));
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const code = withoutComments(readFileSync(file, 'utf8'));
    for (const match of code.matchAll(/[{,\s]['"]?(\$[a-zA-Z]+)['"]?\s*:/g)) add(match[1]!, file);
    for (const match of code.matchAll(new RegExp(`\\.(${METHODS.join('|')})\\(`, 'g'))) add(`${match[1]!}()`, file);
    // find() only on a model (capitalised) or a collection, where it cannot be Array#find.
    if (/\b(?:[A-Z]\w*|collection(?:\([^)]*\))?)\.find\(/.test(code)) add('find()', file);
  }
  return used;
}

/** The list in the compat file's header: `$operators` and `method()` names on its `- ` lines. */
function listedInCompatFile(): { listed: Set<string>; body: string } {
  const text = readFileSync(COMPAT_FILE, 'utf8');
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  const listed = new Set<string>();
  for (const line of header.split('\n')) {
    const item = /^\s*\*\s+- (.*?):/.exec(line);
    if (!item) continue;
    for (const match of item[1]!.matchAll(/\$[a-zA-Z]+|\b[a-zA-Z]+\(\)/g)) listed.add(match[0]);
  }
  // Aggregation stages are named on their own line ("Aggregation stages: none" while src/ uses none).
  for (const match of (/Aggregation stages:([^\n]*)/.exec(header)?.[1] ?? '').matchAll(/\$[a-zA-Z]+/g)) listed.add(match[0]);
  return { listed, body: text.slice(text.indexOf('*/') + 2) };
}

describe('the database compatibility list (test/integration/database-compat.test.ts)', () => {
  const used = usedInSrc();
  const { listed, body } = listedInCompatFile();

  it('finds what src/ uses (the scan works)', () => {
    expect(used.get('$set')?.size).toBeGreaterThan(0);
    expect(used.get('findOne()')?.size).toBeGreaterThan(0);
    expect(listed.size).toBeGreaterThan(10);
  });

  it('lists every operator, aggregation stage and database method src/ uses', () => {
    const missing = [...used.entries()]
      .filter(([name]) => !listed.has(name))
      .map(([name, files]) => `${name} (used in ${[...files].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('lists nothing src/ no longer uses', () => {
    expect([...listed].filter((name) => !used.has(name))).toEqual([]);
  });

  it('exercises every listed item in a test of that file', () => {
    const exercised = (name: string) => (name.endsWith('()') ? body.includes(`.${name.slice(0, -1)}`) : body.includes(name));
    expect([...listed].filter((name) => !exercised(name))).toEqual([]);
  });
});
