import mongoose, { Schema } from 'mongoose';

/** Enough to name every part of one snapshot (part ids are derived from it, see partIds). */
export type SnapshotParts = { snapshotId: string; rowChunks: number; emailChunks: number; detailBuckets: number };
export type PublishedSnapshot = SnapshotParts & { builtAt: Date; durationMs: number; learnerCount: number };

/**
 * The head of a course's report: which snapshot is current. Switching `current` is one single-document update, so
 * readers move to a new snapshot atomically; `pending` names a snapshot being written, so parts left by a build
 * that crashed are removed by the next build.
 */
export type ReportSnapshotDoc = { _id: string; current?: PublishedSnapshot; pending?: SnapshotParts };

const partsShape = { snapshotId: String, rowChunks: Number, emailChunks: Number, detailBuckets: Number };
const partsSchema = new Schema(partsShape, { _id: false });
const publishedSchema = new Schema({ ...partsShape, builtAt: Date, durationMs: Number, learnerCount: Number }, { _id: false });

const reportSnapshotSchema = new Schema<ReportSnapshotDoc>(
  {
    _id: { type: String, required: true },
    current: publishedSchema,
    pending: partsSchema,
  },
  { collection: 'reportSnapshots', versionKey: false },
);
// Read only by _id (the course slug); one small document per course, so even FerretDB's scanning _id lookup (see
// below) is instant. No secondary index.

export const ReportSnapshot = mongoose.model<ReportSnapshotDoc>('ReportSnapshot', reportSnapshotSchema);

/**
 * One immutable part of a snapshot, its content a JSON string: FerretDB decodes a single string field far faster
 * than the same data as nested documents, and the app parses it with JSON.parse.
 */
export type ReportPartDoc = { _id: string; data: string };

const reportPartSchema = new Schema<ReportPartDoc>(
  { _id: { type: String, required: true }, data: { type: String, required: true } },
  { versionKey: false },
);

/**
 * Parts are spread over PART_SHARDS collections by a hash of their id, and read and deleted only by _id; learner
 * details (the bulk of a snapshot) live in collections of their own. Why: on FerretDB 1.24's SQLite backend an _id
 * lookup is a scan of the table up to the row (its query reads `_ferretdb_sjson->'$._id'` while its _id index is on
 * `_ferretdb_sjson->"_id"`, so SQLite never uses the index; measured 0.7 s to find the last of 100 000 users). Small
 * tables keep each lookup short. On MongoDB each lookup is an _id index seek either way. No secondary index is needed.
 */
export const PART_SHARDS = 16;
const shards = (family: string) =>
  Array.from({ length: PART_SHARDS }, (_, shard) =>
    mongoose.model<ReportPartDoc>(`Report${family}${shard}`, reportPartSchema.clone(), `report${family}${shard}`),
  );
const tableModels = shards('Parts');
const detailModels = shards('Details');

/** The collection (model) holding a part: FNV-1a hash of the id, so parts spread evenly. */
export function partModel(id: string) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return (id.includes(':details:') ? detailModels : tableModels)[hash % PART_SHARDS]!;
}

export const partId = {
  summary: (snapshotId: string) => `${snapshotId}:summary`,
  codes: (snapshotId: string) => `${snapshotId}:codes`,
  emailOrder: (snapshotId: string) => `${snapshotId}:email-order`,
  rows: (snapshotId: string, chunk: number) => `${snapshotId}:rows:${chunk}`,
  emails: (snapshotId: string, chunk: number) => `${snapshotId}:emails:${chunk}`,
  details: (snapshotId: string, bucket: number) => `${snapshotId}:details:${bucket}`,
};

/** Every part id of a snapshot. */
export function partIds(parts: SnapshotParts): string[] {
  const { snapshotId: id } = parts;
  const range = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));
  return [
    partId.summary(id),
    partId.codes(id),
    partId.emailOrder(id),
    ...range(parts.rowChunks, (i) => partId.rows(id, i)),
    ...range(parts.emailChunks, (i) => partId.emails(id, i)),
    ...range(parts.detailBuckets, (i) => partId.details(id, i)),
  ];
}
