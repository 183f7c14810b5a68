import mongoose, { Schema, Types } from 'mongoose';
import { ADDED_MINUTE } from './learner-fact.model';

export type AnswerRecord = { questionId: string; chosen: string[]; isCorrect: boolean };

export type QuizAttemptDoc = {
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug: string;
  courseVersion: number;
  /** 1, 2, 3… per learner and quiz: unique, so a retake limit holds even under concurrent submissions. */
  attemptNumber: number;
  /** Random token printed in the quiz form: the same form submitted twice is one attempt. */
  submissionKey: string;
  answers: AnswerRecord[];
  score: number;
  isPassed: boolean;
  submittedAt: Date;
  addedMinute?: number;
};

const quizAttemptSchema = new Schema<QuizAttemptDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    moduleSlug: { type: String, required: true },
    courseVersion: { type: Number, required: true },
    attemptNumber: { type: Number, required: true, min: 1 },
    submissionKey: { type: String, required: true },
    answers: [{ _id: false, questionId: String, chosen: [String], isCorrect: Boolean }],
    score: { type: Number, required: true, min: 0, max: 100 },
    isPassed: { type: Boolean, required: true },
    submittedAt: { type: Date, required: true, default: () => new Date() },
    addedMinute: ADDED_MINUTE,
  },
  { collection: 'quizAttempts', versionKey: false },
);
// Reports' refresh: the attempts added in a given minute.
quizAttemptSchema.index({ addedMinute: 1 });
// Retake numbering and best/last score of one learner's quiz.
quizAttemptSchema.index({ learnerId: 1, courseSlug: 1, moduleSlug: 1, attemptNumber: 1 }, { unique: true });
// A double-submitted form is recorded once.
quizAttemptSchema.index({ learnerId: 1, submissionKey: 1 }, { unique: true });
// Reports: item analysis of one quiz.
quizAttemptSchema.index({ courseSlug: 1, moduleSlug: 1 });

export const QuizAttempt = mongoose.model<QuizAttemptDoc>('QuizAttempt', quizAttemptSchema);
