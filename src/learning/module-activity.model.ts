import mongoose, { Schema, Types } from 'mongoose';

export type ModuleVisitDoc = { learnerId: Types.ObjectId; courseSlug: string; moduleSlug: string; firstVisitedAt: Date };

/** First visit of a module by a learner ("in progress"); insert-only, one per learner and module. */
const moduleVisitSchema = new Schema<ModuleVisitDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    firstVisitedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'moduleVisits', versionKey: false },
);
// The learner's state in a course (course and module pages); exactly-once first visit.
moduleVisitSchema.index({ learnerId: 1, courseSlug: 1, moduleSlug: 1 }, { unique: true });
// Reports: how many learners started each module.
moduleVisitSchema.index({ courseSlug: 1, moduleSlug: 1 });

export const ModuleVisit = mongoose.model<ModuleVisitDoc>('ModuleVisit', moduleVisitSchema);

export type ModuleTimeDoc = { learnerId: Types.ObjectId; courseSlug: string; moduleSlug: string; seconds: number; recordedAt: Date };

/** Rough reading time, one document per page view sent by the browser when the page is left (reports only). */
const moduleTimeSchema = new Schema<ModuleTimeDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    seconds: { type: Number, required: true, min: 1, max: 3600 },
    recordedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'moduleTimes', versionKey: false },
);
// Reports: time per module of a course.
moduleTimeSchema.index({ courseSlug: 1, moduleSlug: 1 });

export const ModuleTime = mongoose.model<ModuleTimeDoc>('ModuleTime', moduleTimeSchema);
