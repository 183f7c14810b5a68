import type { Types } from 'mongoose';
import { learnerFactKind } from './learner-fact.model';

export type EnrolmentDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  enrolledAt: Date;
  /** Where "Continue" takes the learner: the module they last opened. */
  lastModuleSlug?: string;
  lastVisitedAt?: Date;
  /** Set once, when the course rule is first met. */
  completedAt?: Date;
  completedVersion?: number;
};

/** Enrolled in a course (kind `enrolment` of learnerFacts); the position fields are the only ones ever updated. */
export const Enrolment = learnerFactKind<EnrolmentDoc>('Enrolment', 'enrolment', {
  enrolledAt: { type: Date, required: true, default: () => new Date() },
  lastModuleSlug: String,
  lastVisitedAt: Date,
  completedAt: Date,
  completedVersion: Number,
});
