import type { Types } from 'mongoose';
import { learnerFactKind } from './learner-fact.model';

export type ModuleCompletionDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug: string;
  /** The course version the learner was reading when they completed the module. */
  courseVersion: number;
  completedAt: Date;
};

/**
 * One insert-only fact (kind `completion` of learnerFacts) per module a learner completed. Progress is keyed by the module's identity (its slug),
 * not by course version, so a new version keeps progress on every module whose slug did not change, and removing a
 * module from a course never deletes these records. Insert-only documents behind a unique index are exactly-once
 * under concurrent requests on MongoDB and FerretDB alike (see docs/database.md, compatibility).
 */
export const ModuleCompletion = learnerFactKind<ModuleCompletionDoc>('ModuleCompletion', 'completion', {
  moduleSlug: { type: String, required: true },
  courseVersion: { type: Number, required: true, min: 1 },
  completedAt: { type: Date, required: true, default: () => new Date() },
});
