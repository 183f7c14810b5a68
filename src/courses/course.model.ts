import mongoose, { Schema } from 'mongoose';

export type Bilingual = { en: string; zh: string };

export type CourseDoc = {
  slug: string;
  title: Bilingual;
  summary: Bilingual;
  level: 'beginner' | 'intermediate' | 'advanced';
  minutes: number;
  moduleCount: number;
  isPublished: boolean;
  currentVersion: number;
  contentHash: string;
  sortOrder: number;
};

const bilingual = new Schema<Bilingual>({ en: { type: String, required: true }, zh: { type: String, required: true } }, { _id: false });

/**
 * One document per course: the catalogue entry of the version that is live. Full content of each version lives in
 * `courseVersions`; this document stays small because the home page reads all of them on every view.
 */
const courseSchema = new Schema<CourseDoc>(
  {
    slug: { type: String, required: true, match: /^[a-z0-9-]+$/ },
    title: { type: bilingual, required: true },
    summary: { type: bilingual, required: true },
    level: { type: String, enum: ['beginner', 'intermediate', 'advanced'], required: true },
    minutes: { type: Number, required: true, min: 1 },
    moduleCount: { type: Number, required: true, min: 0 },
    isPublished: { type: Boolean, required: true, default: true },
    currentVersion: { type: Number, required: true, min: 1 },
    contentHash: { type: String, required: true },
    sortOrder: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'courses' },
);
// Course page and importer look courses up by slug.
courseSchema.index({ slug: 1 }, { unique: true });
// Catalogue: published courses in display order.
courseSchema.index({ isPublished: 1, sortOrder: 1 });

export const Course = mongoose.model<CourseDoc>('Course', courseSchema);
