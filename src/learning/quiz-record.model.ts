import mongoose, { Schema, Types } from 'mongoose';

/**
 * Insert-only records of one learner's quiz in a module, besides the attempts themselves (quizAttempts):
 * - `draw` number n: the questions (and option order) of attempt n, stored when the quiz page is first opened for it,
 *   so a reload or a double submit shows and grades the same set;
 * - `grant` number n: one more attempt granted by a trainer when the learner had used n attempts (granting twice
 *   for the same state is one grant).
 * One read of {learnerId, courseSlug, moduleSlug} returns both. Every record is exactly-once behind the unique index:
 * concurrent inserts of the same record fail cleanly and the loser reads the winner's (FerretDB 1.24 loses
 * concurrent updates of one document, so nothing here is ever updated).
 */
export type QuizRecordKind = 'draw' | 'grant';

/** One drawn question: its id and its option ids in the order shown (empty for true/false questions). */
export type DrawnQuestion = { id: string; options: string[] };

export type QuizRecordDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug: string;
  kind: QuizRecordKind;
  number: number;
  /** draw: the course version drawn from, and the questions in the order shown; grant: 0. */
  courseVersion?: number;
  questions?: DrawnQuestion[];
  /** grant: who granted it. */
  grantedBy?: Types.ObjectId;
  createdAt: Date;
};

const quizRecordSchema = new Schema<QuizRecordDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    kind: { type: String, enum: ['draw', 'grant'], required: true },
    number: { type: Number, required: true, min: 0 },
    courseVersion: Number,
    questions: [{ _id: false, id: String, options: [String] }],
    grantedBy: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'quizRecords', versionKey: false },
);
// Exactly one draw per attempt and course version (a course update that removed all of a draw's questions draws
// again), one grant per number of attempts used (grants have version 0); leads with the learner for the pages' read.
quizRecordSchema.index({ learnerId: 1, courseSlug: 1, moduleSlug: 1, kind: 1, number: 1, courseVersion: 1 }, { unique: true });

export const QuizRecord = mongoose.model<QuizRecordDoc>('QuizRecord', quizRecordSchema);
