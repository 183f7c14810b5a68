import mongoose, { Schema, Types } from 'mongoose';

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

const enrolmentSchema = new Schema<EnrolmentDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    enrolledAt: { type: Date, required: true, default: () => new Date() },
    lastModuleSlug: String,
    lastVisitedAt: Date,
    completedAt: Date,
    completedVersion: Number,
  },
  { collection: 'enrolments', versionKey: false },
);
// One enrolment per learner and course (enrol is idempotent); the learner's dashboard lists theirs.
enrolmentSchema.index({ learnerId: 1, courseSlug: 1 }, { unique: true });
// Reports: a course's enrolments over a date range, and its completions.
enrolmentSchema.index({ courseSlug: 1, enrolledAt: 1 });
enrolmentSchema.index({ courseSlug: 1, completedAt: 1 });

export const Enrolment = mongoose.model<EnrolmentDoc>('Enrolment', enrolmentSchema);
