import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';
import type { DraftAsset, DraftMeta, DraftModule, DraftProblem } from './draft-types';

export type CourseDraftDoc = {
  courseSlug: string;
  /** Numbered per course from 1; unique, so two saves of the same revision cannot both land. */
  revision: number;
  /** `draft`: this revision is the working copy; `closed`: the draft was published or discarded at this revision. */
  state: 'draft' | 'closed';
  /** The live version the draft started from (0 for a course never published). */
  baseVersion: number;
  meta: DraftMeta;
  modules: DraftModule[];
  assets: DraftAsset[];
  /** What the course validator said at this save; empty when the draft can be published. */
  problems: DraftProblem[];
  /** Content hash of the draft as the validator computes it; absent while it has problems. */
  contentHash?: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * A course's draft as insert-only revisions: every save inserts the whole content as the next revision, and
 * publishing or discarding inserts a `closed` one. FerretDB 1.24 applies an update as read-modify-write, so a
 * conditional `updateOne({revision: n}, {$inc: …})` lets two concurrent saves both "succeed" and one edit vanish
 * (measured); an insert behind the unique {courseSlug, revision} index lets exactly one of them win, and the other
 * re-applies its edit to the newer revision. The latest revision of a course is its state; older ones are pruned.
 */
const courseDraftSchema = new Schema<CourseDraftDoc>(
  {
    courseSlug: { type: String, required: true, match: /^[a-z0-9]+(?:-[a-z0-9]+)*$/ },
    revision: { type: Number, required: true, min: 1 },
    state: { type: String, enum: ['draft', 'closed'], required: true, default: 'draft' },
    baseVersion: { type: Number, required: true, min: 0 },
    meta: { type: Object },
    modules: [Object],
    assets: [Object],
    problems: [Object],
    contentHash: String,
    updatedBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'courseDraftRevisions', versionKey: false, minimize: false },
);
// Editing, publishing and the author's course list read a course's revisions; unique so each number is taken once.
courseDraftSchema.index({ courseSlug: 1, revision: 1 }, { unique: true });

export const CourseDraft = mongoose.model<CourseDraftDoc>('CourseDraft', courseDraftSchema);

/** Revisions kept per course besides the latest (a short history; older ones are deleted). */
const KEPT_REVISIONS = 10;

const latestPerCourse = <T extends { courseSlug: string; revision: number }>(rows: T[]): T[] => {
  const latest = new Map<string, T>();
  for (const row of rows) if ((latest.get(row.courseSlug)?.revision ?? 0) < row.revision) latest.set(row.courseSlug, row);
  return [...latest.values()];
};

/** The course's draft (its latest revision, when open) and the latest revision number (0: none ever). */
export async function findDraftHead(courseSlug: string): Promise<{ draft: CourseDraftDoc | null; revision: number }> {
  const [latest] = latestPerCourse(await CourseDraft.find({ courseSlug }).lean<CourseDraftDoc[]>());
  return { draft: latest?.state === 'draft' ? latest : null, revision: latest?.revision ?? 0 };
}

export async function findDraft(courseSlug: string): Promise<CourseDraftDoc | null> {
  return (await findDraftHead(courseSlug)).draft;
}

type DraftSummary = Pick<CourseDraftDoc, 'courseSlug' | 'revision' | 'state' | 'meta' | 'problems' | 'updatedAt'>;

/** The open drafts of the given courses (all courses when `slugs` is undefined), without their modules. */
export async function listOpenDrafts(slugs?: string[]): Promise<DraftSummary[]> {
  const filter = slugs ? { courseSlug: { $in: slugs } } : {};
  const rows = await CourseDraft.find(filter, {
    courseSlug: 1,
    revision: 1,
    state: 1,
    'meta.title': 1,
    problems: 1,
    updatedAt: 1,
    _id: 0,
  }).lean<DraftSummary[]>();
  return latestPerCourse(rows).filter((row) => row.state === 'draft');
}

/** Inserts revision `doc.revision`; false when another save took that number first. */
export async function appendDraftRevision(
  doc: Omit<CourseDraftDoc, 'createdAt' | 'updatedAt' | 'state'> & { state?: CourseDraftDoc['state'] },
): Promise<boolean> {
  const now = new Date();
  try {
    await CourseDraft.create({ state: 'draft', createdAt: now, updatedAt: now, ...doc });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  // Deleting old revisions never races a save: saves only insert numbers above the latest.
  await CourseDraft.deleteMany({ courseSlug: doc.courseSlug, revision: { $lte: doc.revision - KEPT_REVISIONS } });
  return true;
}

/** Closes the draft at `revision` (published or discarded); false when a save landed after it. */
export function closeDraft(courseSlug: string, revision: number, baseVersion: number, actorId: string): Promise<boolean> {
  return appendDraftRevision({
    courseSlug,
    revision: revision + 1,
    state: 'closed',
    baseVersion,
    meta: {} as DraftMeta,
    modules: [],
    assets: [],
    problems: [],
    updatedBy: actorId,
  });
}

/** Drafts stored by earlier versions (one updatable document per course, collection `courseDrafts`) become revisions. */
export async function migrateLegacyDrafts(log: (line: string) => void): Promise<void> {
  const legacy = mongoose.connection.db!.collection('courseDrafts');
  let moved = 0;
  for await (const doc of legacy.find({})) {
    const { _id, ...fields } = doc;
    await appendDraftRevision({ ...(fields as unknown as CourseDraftDoc), state: 'draft' });
    await legacy.deleteOne({ _id });
    moved += 1;
  }
  if (moved > 0) log(`Moved ${moved} course drafts to insert-only revisions`);
}
