import mongoose, { Schema } from 'mongoose';

export type CourseAssetDoc = { sha256: string; size: number; data: Buffer; createdAt: Date };

/**
 * Course asset bytes, stored once per content hash and shared by every version that uses them, so a course
 * version stays complete even after the files in courses/ change, and any app process can serve it.
 */
const courseAssetSchema = new Schema<CourseAssetDoc>(
  {
    sha256: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'courseAssets' },
);
// Asset route and importer look bytes up by hash; unique makes storing them idempotent.
courseAssetSchema.index({ sha256: 1 }, { unique: true });

export const CourseAsset = mongoose.model<CourseAssetDoc>('CourseAsset', courseAssetSchema);
