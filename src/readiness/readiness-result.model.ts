import mongoose, { Schema, type Types } from 'mongoose';

export type StoredAreaScore = { area: string; points: number; max: number; percent: number | null };

/**
 * One attempt at the readiness check, insert-only: a retake is a new document, so history and progress per area
 * come from comparing attempts, and nothing is ever updated in place (FerretDB 1.24 loses concurrent updates).
 */
export type ReadinessResultDoc = {
  userId: Types.ObjectId;
  /** Random key printed in the form (or kept with an anonymous result): the same attempt is stored once. */
  attemptKey: string;
  takenAt: Date;
  /** Content hash of readiness.yaml when scored. */
  fileHash: string;
  answers: { questionId: string; optionId: string }[];
  areas: StoredAreaScore[];
  overall: number;
  level: string;
};

const readinessResultSchema = new Schema<ReadinessResultDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    attemptKey: { type: String, required: true },
    takenAt: { type: Date, required: true },
    fileHash: { type: String, required: true },
    answers: [{ _id: false, questionId: { type: String, required: true }, optionId: { type: String, required: true } }],
    areas: [{ _id: false, area: String, points: Number, max: Number, percent: { type: Number, default: null } }],
    overall: { type: Number, required: true, min: 0, max: 100 },
    level: { type: String, required: true },
  },
  { collection: 'readinessResults', versionKey: false },
);
// A learner's history, newest first (the latest result is its first row).
readinessResultSchema.index({ userId: 1, takenAt: -1 });
// A double-submitted form, or a pending result saved twice, is stored once.
readinessResultSchema.index({ userId: 1, attemptKey: 1 }, { unique: true });

export const ReadinessResult = mongoose.model<ReadinessResultDoc>('ReadinessResult', readinessResultSchema);
