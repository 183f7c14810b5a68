import mongoose, { Schema, Types } from 'mongoose';
import { ADDED_MINUTE, learnerFactKind } from './learner-fact.model';

export type ModuleVisitDoc = { learnerId: Types.ObjectId; courseSlug: string; moduleSlug: string; firstVisitedAt: Date };

/** First visit of a module by a learner ("in progress"): kind `visit` of learnerFacts, one per learner and module. */
export const ModuleVisit = learnerFactKind<ModuleVisitDoc>('ModuleVisit', 'visit', {
  moduleSlug: { type: String, required: true },
  firstVisitedAt: { type: Date, required: true, default: () => new Date() },
});

export type ModuleTimeDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug: string;
  seconds: number;
  recordedAt: Date;
  addedMinute?: number;
};

/** Rough reading time, one document per page view sent by the browser when the page is left (reports only). */
const moduleTimeSchema = new Schema<ModuleTimeDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    seconds: { type: Number, required: true, min: 1, max: 3600 },
    recordedAt: { type: Date, required: true, default: () => new Date() },
    addedMinute: ADDED_MINUTE,
  },
  { collection: 'moduleTimes', versionKey: false },
);
// Reports: time per module of a course; and the reading times added in a given minute (the report refresh).
moduleTimeSchema.index({ courseSlug: 1, moduleSlug: 1 });
moduleTimeSchema.index({ addedMinute: 1 });

export const ModuleTime = mongoose.model<ModuleTimeDoc>('ModuleTime', moduleTimeSchema);
