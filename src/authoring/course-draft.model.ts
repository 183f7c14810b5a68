import mongoose, { Schema } from 'mongoose';
import type { DraftAsset, DraftMeta, DraftModule, DraftProblem } from './draft-types';

export type CourseDraftDoc = {
  courseSlug: string;
  /** The live version the draft started from (0 for a course never published). */
  baseVersion: number;
  meta: DraftMeta;
  modules: DraftModule[];
  assets: DraftAsset[];
  /** What the course validator said at the last save; empty when the draft can be published. */
  problems: DraftProblem[];
  /** Content hash of the draft as the validator computes it; absent while it has problems. */
  contentHash?: string;
  /** Incremented by every save; a save applies only to the revision it read, so concurrent saves cannot mix. */
  revision: number;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * One working copy per course, holding the whole course content. Created from the live version on the first edit
 * and removed when it is published or discarded. Maps (references, glossary) are arrays, as in courseVersions.
 */
const courseDraftSchema = new Schema<CourseDraftDoc>(
  {
    courseSlug: { type: String, required: true, match: /^[a-z0-9]+(?:-[a-z0-9]+)*$/ },
    baseVersion: { type: Number, required: true, min: 0 },
    meta: { type: Object, required: true },
    modules: [Object],
    assets: [Object],
    problems: [Object],
    contentHash: String,
    revision: { type: Number, required: true, min: 1 },
    updatedBy: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'courseDrafts', versionKey: false, minimize: false },
);
// Editing, publishing and the author's course list look drafts up by course; unique so there is one per course.
courseDraftSchema.index({ courseSlug: 1 }, { unique: true });

export const CourseDraft = mongoose.model<CourseDraftDoc>('CourseDraft', courseDraftSchema);
