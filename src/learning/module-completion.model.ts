import mongoose, { Schema, Types } from 'mongoose';

export type ModuleCompletionDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug: string;
  /** The course version the learner was reading when they completed the module. */
  courseVersion: number;
  completedAt: Date;
};

/**
 * One insert-only document per module a learner completed. Progress is keyed by the module's identity (its slug),
 * not by course version, so a new version keeps progress on every module whose slug did not change, and removing a
 * module from a course never deletes these records. Insert-only documents behind a unique index are exactly-once
 * under concurrent requests on MongoDB and FerretDB alike (see README, compatibility).
 */
const moduleCompletionSchema = new Schema<ModuleCompletionDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    courseVersion: { type: Number, required: true, min: 1 },
    completedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'moduleCompletions', versionKey: false },
);
// Exactly-once recording, and a learner's progress in one course (course page, dashboard).
moduleCompletionSchema.index({ learnerId: 1, courseSlug: 1, moduleSlug: 1 }, { unique: true });
// Reports: completions of a course's modules.
moduleCompletionSchema.index({ courseSlug: 1, moduleSlug: 1 });

export const ModuleCompletion = mongoose.model<ModuleCompletionDoc>('ModuleCompletion', moduleCompletionSchema);
