import { randomBytes } from 'node:crypto';
import { LruCache } from '../lru-cache';
import type { ComposedSnapshot } from './report-compose';
import {
  ReportSnapshot,
  partId,
  partIds,
  partModel,
  type PublishedSnapshot,
  type ReportPartDoc,
  type ReportSnapshotDoc,
  type SnapshotParts,
} from './report-snapshot.model';
import { decodeRow, type LearnerRow, type ReportSummary } from './report-types';

/**
 * Storage of report snapshots. Parts are immutable once written (a rebuild writes a new snapshot id), so what has
 * been read and parsed is kept in memory, bounded by size, and never needs invalidating.
 */
// Counted in characters of the stored strings; parsed values take about three times as much memory, so 16 M
// characters is about 50 MB of heap (32 M made the report cache the largest part of the app's memory).
const cache = new LruCache<unknown>(16 * 1024 * 1024);

/** A snapshot whose head has been read: enough to read any of its parts. */
export type LoadedSnapshot = { parts: PublishedSnapshot; summary: ReportSummary };

export class SnapshotGone extends Error {
  override name = 'SnapshotGone';
}

async function readPart<T>(id: string, parse: (data: string) => T): Promise<T> {
  const cached = cache.get(id) as T | undefined;
  if (cached !== undefined) return cached;
  const doc = await partModel(id).findById(id).lean();
  if (!doc) throw new SnapshotGone(`report part ${id} is gone (a newer snapshot replaced it)`);
  return remember(id, parse(doc.data), doc.data.length);
}

function remember<T>(id: string, value: T, size: number): T {
  cache.set(id, value, size);
  return value;
}

const fromBase64 = (data: string) => {
  const bytes = Buffer.from(data, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};

export const readHead = (courseSlug: string) => ReportSnapshot.findById(courseSlug).lean<ReportSnapshotDoc>();
export const readSummary = (parts: SnapshotParts) =>
  readPart(partId.summary(parts.snapshotId), (data) => JSON.parse(data) as ReportSummary);
export const readRowChunk = (parts: SnapshotParts, chunk: number) =>
  readPart(
    partId.rows(parts.snapshotId, chunk),
    (data) => (JSON.parse(data) as Parameters<typeof decodeRow>[0][]).map(decodeRow) as LearnerRow[],
  );
export const readEmailChunk = (parts: SnapshotParts, chunk: number) =>
  readPart(partId.emails(parts.snapshotId, chunk), (data) => JSON.parse(data) as string[]);
export const readDetailBucket = (parts: SnapshotParts, bucket: number) =>
  readPart(partId.details(parts.snapshotId, bucket), (data) => JSON.parse(data) as unknown[]);
export const readEmailOrder = (parts: SnapshotParts) =>
  readPart(partId.emailOrder(parts.snapshotId), (data) => new Uint32Array(fromBase64(data)));
export const readCodes = (parts: SnapshotParts) =>
  readPart(partId.codes(parts.snapshotId), (data) => {
    const codes = JSON.parse(data) as { filters: string; regions: string; regionBytes: number };
    const regions = codes.regionBytes === 2 ? new Uint16Array(fromBase64(codes.regions)) : new Uint32Array(fromBase64(codes.regions));
    return { filters: new Uint8Array(fromBase64(codes.filters)), regions };
  });

/**
 * Deletes a snapshot's parts: one deleteMany per collection with the ids listed. (On FerretDB's SQLite backend this
 * reads each shard once; a deleteOne per part would scan a shard once per part.)
 */
async function deleteParts(parts: SnapshotParts): Promise<void> {
  const byModel = new Map<ReturnType<typeof partModel>, string[]>();
  for (const id of partIds(parts)) {
    const model = partModel(id);
    const ids = byModel.get(model) ?? [];
    if (ids.length === 0) byModel.set(model, ids);
    ids.push(id);
  }
  for (const [model, ids] of byModel) await model.deleteMany({ _id: { $in: ids } });
}

/** Inserts parts grouped by collection, in batches of at most ~4 MB. */
async function insertParts(docs: ReportPartDoc[]): Promise<void> {
  const byModel = new Map<ReturnType<typeof partModel>, ReportPartDoc[]>();
  for (const doc of docs) {
    const model = partModel(doc._id);
    const group = byModel.get(model) ?? [];
    if (group.length === 0) byModel.set(model, group);
    group.push(doc);
  }
  for (const [model, group] of byModel) {
    let batch: ReportPartDoc[] = [];
    let size = 0;
    for (const doc of group) {
      batch.push(doc);
      size += doc.data.length;
      if (size > 4_000_000) {
        await model.insertMany(batch, { ordered: true, lean: true });
        batch = [];
        size = 0;
      }
    }
    if (batch.length) await model.insertMany(batch, { ordered: true, lean: true });
  }
}

/**
 * Writes a course's snapshot, makes it current in one single-document update (readers switch atomically), then
 * deletes the snapshot it replaces. A reader still holding the old head gets SnapshotGone and reloads (see
 * reports.service.ts). The small parts every page reads are kept in this process's cache straight away.
 */
export async function publishSnapshot(courseSlug: string, composed: ComposedSnapshot, durationMs: number): Promise<PublishedSnapshot> {
  const snapshotId = `${courseSlug}:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}`;
  const parts: SnapshotParts = {
    snapshotId,
    rowChunks: composed.rowChunks.length,
    emailChunks: composed.emailChunks.length,
    detailBuckets: composed.detailBuckets.length,
  };
  const head = await readHead(courseSlug);
  if (head?.pending) await deleteParts(head.pending);
  await ReportSnapshot.updateOne({ _id: courseSlug }, { $set: { pending: parts } }, { upsert: true });
  const summary = JSON.stringify(composed.summary);
  await insertParts([
    { _id: partId.summary(snapshotId), data: summary },
    { _id: partId.codes(snapshotId), data: composed.codes },
    { _id: partId.emailOrder(snapshotId), data: composed.emailOrder },
    ...composed.rowChunks.map((data, i) => ({ _id: partId.rows(snapshotId, i), data })),
    ...composed.emailChunks.map((data, i) => ({ _id: partId.emails(snapshotId, i), data })),
    ...composed.detailBuckets.map((data, i) => ({ _id: partId.details(snapshotId, i), data })),
  ]);
  const current: PublishedSnapshot = {
    ...parts,
    builtAt: new Date(composed.summary.builtAt),
    durationMs,
    learnerCount: composed.summary.learnerCount,
  };
  await ReportSnapshot.updateOne({ _id: courseSlug }, { $set: { current }, $unset: { pending: 1 } });
  remember(partId.summary(snapshotId), composed.summary, summary.length);
  if (head?.current) await deleteParts(head.current);
  return current;
}
