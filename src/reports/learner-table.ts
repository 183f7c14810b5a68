import { readCodes, readDetailBucket, readEmailChunk, readEmailOrder, readRowChunk, type LoadedSnapshot } from './report-store';
import { decodeRow, detailBucketOf, searchKey, type EncodedDetail, type LearnerDetail, type LearnerRow } from './report-types';

/** Filters of the learner table, as codes of the snapshot (see report-types.ts). */
export type LearnerFilters = { search?: string; size?: number; women?: number; region?: number; isCompleted?: boolean };
export const PAGE_SIZE = 50;

/**
 * The first position at which `holds` becomes false, in a sorted list stored in chunks whose first keys are known
 * (`holds` must be true on a prefix of the list). Reads at most one chunk.
 */
async function boundary(
  firstKeys: string[],
  chunkSize: number,
  keysOf: (chunk: number) => Promise<string[]>,
  holds: (key: string) => boolean,
): Promise<number> {
  let low = 0;
  let high = firstKeys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (holds(firstKeys[middle]!)) low = middle + 1;
    else high = middle;
  }
  if (low === 0) return 0;
  const chunk = low - 1;
  const keys = await keysOf(chunk);
  const inside = keys.findIndex((key) => !holds(key));
  return chunk * chunkSize + (inside < 0 ? keys.length : inside);
}

/** Positions [from, to) of the keys starting with `prefix`: contiguous, because the keys are sorted by code unit. */
async function prefixRange(
  firstKeys: string[],
  chunkSize: number,
  keysOf: (chunk: number) => Promise<string[]>,
  prefix: string,
): Promise<[number, number]> {
  const from = await boundary(firstKeys, chunkSize, keysOf, (key) => key < prefix);
  const to = await boundary(firstKeys, chunkSize, keysOf, (key) => key < prefix || key.startsWith(prefix));
  return [from, Math.max(from, to)];
}

/**
 * Positions (in name order) of the learners matching the filters. Search is a prefix of the normalised name or
 * email: two range lookups in sorted chunks, not a scan. Filters read a compact code array (one byte and one
 * region code per learner), never learner documents.
 */
export async function matchingPositions(snapshot: LoadedSnapshot, filters: LearnerFilters): Promise<number[]> {
  const { parts, summary } = snapshot;
  const n = summary.learnerCount;
  let marks: Uint8Array | undefined;
  const prefix = filters.search ? searchKey(filters.search) : '';
  if (prefix) {
    marks = new Uint8Array(n);
    const names = await prefixRange(
      summary.nameChunkKeys,
      summary.layout.rowChunk,
      async (chunk) => (await readRowChunk(parts, chunk)).map((row) => searchKey(row.name)),
      prefix,
    );
    marks.fill(1, names[0], names[1]);
    const emails = await prefixRange(summary.emailChunkKeys, summary.layout.emailChunk, (chunk) => readEmailChunk(parts, chunk), prefix);
    if (emails[1] > emails[0]) {
      const order = await readEmailOrder(parts);
      for (let k = emails[0]; k < emails[1]; k += 1) marks[order[k]!] = 1;
    }
  }
  const { size, women, region, isCompleted } = filters;
  const needsCodes = size !== undefined || women !== undefined || region !== undefined || isCompleted !== undefined;
  const codes = needsCodes ? await readCodes(parts) : undefined;
  const positions: number[] = [];
  for (let position = 0; position < n; position += 1) {
    if (marks && !marks[position]) continue;
    if (codes) {
      const code = codes.filters[position]!;
      if (size !== undefined && Math.floor(code / 6) !== size) continue;
      if (women !== undefined && Math.floor(code / 2) % 3 !== women) continue;
      if (isCompleted !== undefined && (code % 2 === 1) !== isCompleted) continue;
      if (region !== undefined && codes.regions[position] !== region) continue;
    }
    positions.push(position);
  }
  return positions;
}

async function rowsAt(snapshot: LoadedSnapshot, positions: number[]): Promise<LearnerRow[]> {
  const size = snapshot.summary.layout.rowChunk;
  const chunks = [...new Set(positions.map((position) => Math.floor(position / size)))];
  const loaded = new Map(await Promise.all(chunks.map(async (chunk) => [chunk, await readRowChunk(snapshot.parts, chunk)] as const)));
  return positions.map((position) => loaded.get(Math.floor(position / size))![position % size]!);
}

export type LearnerPage = { total: number; page: number; pageCount: number; rows: LearnerRow[] };

/** One page of the learner table (sorted by name, then id: stable), the page number clamped to the pages there are. */
export async function findLearnerPage(snapshot: LoadedSnapshot, filters: LearnerFilters, page: number): Promise<LearnerPage> {
  const positions = await matchingPositions(snapshot, filters);
  const pageCount = Math.max(1, Math.ceil(positions.length / PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const slice = positions.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  return { total: positions.length, page: current, pageCount, rows: await rowsAt(snapshot, slice) };
}

/** Every matching learner in table order, one chunk in memory at a time (for the CSV export). */
export async function* allLearnerRows(snapshot: LoadedSnapshot, filters: LearnerFilters): AsyncGenerator<LearnerRow> {
  const positions = await matchingPositions(snapshot, filters);
  const size = snapshot.summary.layout.rowChunk;
  const chunks = [...new Set(positions.map((position) => Math.floor(position / size)))];
  // A few chunks are read ahead: FerretDB then works on them while this process formats the previous ones.
  const pending = new Map<number, Promise<LearnerRow[]>>();
  const fetch = (index: number) => {
    const chunk = chunks[index];
    if (chunk === undefined || pending.has(chunk)) return;
    const read = readRowChunk(snapshot.parts, chunk);
    read.catch(() => undefined); // awaited below; this only keeps a read-ahead of an abandoned export from being "unhandled"
    pending.set(chunk, read);
  };
  let k = 0;
  for (let index = 0; index < chunks.length; index += 1) {
    for (let ahead = 0; ahead <= 3; ahead += 1) fetch(index + ahead);
    const chunk = chunks[index]!;
    const rows = await pending.get(chunk)!;
    pending.delete(chunk);
    for (; k < positions.length && Math.floor(positions[k]! / size) === chunk; k += 1) yield rows[positions[k]! % size]!;
  }
}

/** One learner's modules, attempts and time, or undefined when they are not in this snapshot. */
export async function findLearnerDetail(snapshot: LoadedSnapshot, learnerId: string): Promise<LearnerDetail | undefined> {
  const bucket = (await readDetailBucket(snapshot.parts, detailBucketOf(learnerId, snapshot.summary.detailBuckets))) as EncodedDetail[];
  const entry = bucket.find(([row]) => row[0] === learnerId);
  return entry ? { row: decodeRow(entry[0]), modules: entry[1], attempts: entry[2] } : undefined;
}
