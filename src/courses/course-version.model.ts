import mongoose, { Schema, type SchemaDefinitionProperty } from 'mongoose';
import type { Bilingual } from './course.model';
import type { CourseSettings, ModuleContent, QuizQuestion } from './course-types';

export type StoredReference = { id: string; title: string; url?: string };
export type StoredGlossaryEntry = { id: string; term: Bilingual; definition: Bilingual };
export type StoredAssetRef = { name: string; sha256: string; size: number };

export type StoredModule = ModuleContent & { quiz?: { draw?: number; questions: QuizQuestion[] }; contentHash: string };

/**
 * One immutable version of a course's content. Maps from the files (references, glossary) are stored as arrays:
 * FerretDB refuses some key shapes, and arrays keep author order.
 */
export type CourseVersionDoc = CourseSettings & {
  courseSlug: string;
  version: number;
  contentHash: string;
  source: 'import' | 'authoring';
  references: StoredReference[];
  glossary: StoredGlossaryEntry[];
  modules: StoredModule[];
  assets: StoredAssetRef[];
  createdAt: Date;
};

/** How each course setting is stored; typed by CourseSettings, so a new setting cannot be left out. */
const settingsSchema: Record<keyof CourseSettings, SchemaDefinitionProperty> = {
  title: Object,
  summary: Object,
  audience: Object,
  level: String,
  minutes: Number,
  outcomes: [Object],
  passMark: Number,
  maxQuizAttempts: Number,
  review: String,
  retakeAfterMinutes: Number,
  retakeWaitFrom: String,
  completion: String,
  certificate: Object,
};

const courseVersionSchema = new Schema<CourseVersionDoc>(
  {
    courseSlug: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    contentHash: { type: String, required: true },
    source: { type: String, enum: ['import', 'authoring'], required: true },
    ...settingsSchema,
    references: [Object],
    glossary: [Object],
    modules: [Object],
    assets: [Object],
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'courseVersions', minimize: false },
);
// Exactly one document per (course, version): two importers racing for the same number cannot both win.
courseVersionSchema.index({ courseSlug: 1, version: 1 }, { unique: true });

export const CourseVersion = mongoose.model<CourseVersionDoc>('CourseVersion', courseVersionSchema);
