import { Types } from 'mongoose';
import type { QuizQuestion } from '../courses/course-types';
import type { StoredModule } from '../courses/course-version.model';
import { Forbidden, NotFound } from '../http/errors';
import { evaluateCourseCompletion, requireEnrolment, requireLiveCourse } from './learning.service';
import { QuizAttempt, type AnswerRecord, type QuizAttemptDoc } from './quiz-attempt.model';
import { isDuplicateKey } from '../db/duplicate-key';

/** What the learner chose, per question id: option ids, or `true`/`false` for true/false questions. */
export type SubmittedAnswers = Record<string, string[]>;


function correctChoices(question: QuizQuestion): string[] {
  return typeof question.answer === 'boolean' ? [String(question.answer)] : [...question.answer].sort();
}

/** The choices a question accepts (the form may offer nothing else). */
export function allowedChoices(question: QuizQuestion): string[] {
  return question.type === 'truefalse' ? ['true', 'false'] : question.options.map((option) => option.id);
}

/** Grades answers on the server: a question is correct when exactly the right choices were made. */
export function gradeQuiz(questions: QuizQuestion[], submitted: SubmittedAnswers): { answers: AnswerRecord[]; score: number } {
  const answers = questions.map((question) => {
    const chosen = [...new Set(submitted[question.id] ?? [])].sort();
    const expected = correctChoices(question);
    const isCorrect = chosen.length === expected.length && chosen.every((choice, i) => choice === expected[i]);
    return { questionId: question.id, chosen, isCorrect };
  });
  const correct = answers.filter((answer) => answer.isCorrect).length;
  return { answers, score: questions.length ? Math.round((correct / questions.length) * 100) : 0 };
}

/** The quiz of a module of a live course (from memory: course versions are cached), or NotFound. */
export async function findQuiz(courseSlug: string, moduleSlug: string) {
  const course = await requireLiveCourse(courseSlug);
  const module: StoredModule | undefined = course.modules.find((candidate) => candidate.slug === moduleSlug);
  if (!module?.quiz?.questions.length) throw new NotFound();
  return { course, module, questions: module.quiz.questions };
}

export type QuizHistory = { attempts: number; best?: QuizAttemptDoc; last?: QuizAttemptDoc; attemptsLeft: number | undefined };

/** Attempts so far, best and last scores, and retakes left (undefined = unlimited). */
export async function getQuizHistory(learnerId: string, courseSlug: string, moduleSlug: string, maxAttempts: number): Promise<QuizHistory> {
  const filter = { learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug };
  const [attempts, best, last] = await Promise.all([
    QuizAttempt.countDocuments(filter),
    QuizAttempt.findOne(filter).sort({ score: -1, attemptNumber: 1 }).lean<QuizAttemptDoc>(),
    QuizAttempt.findOne(filter).sort({ attemptNumber: -1 }).lean<QuizAttemptDoc>(),
  ]);
  return { attempts, best: best ?? undefined, last: last ?? undefined, attemptsLeft: maxAttempts > 0 ? Math.max(0, maxAttempts - attempts) : undefined };
}

/** The quiz of a module for an enrolled learner (answers are not part of what the page prints). */
export async function openQuiz(learnerId: string, courseSlug: string, moduleSlug: string) {
  const quiz = await findQuiz(courseSlug, moduleSlug);
  await requireEnrolment(learnerId, courseSlug);
  const history = await getQuizHistory(learnerId, courseSlug, moduleSlug, quiz.course.maxQuizAttempts);
  return { ...quiz, history };
}

/**
 * Grades and stores one attempt. The same form submitted twice (same submission key) is one attempt; attempt
 * numbers are unique per learner and quiz, so a retake limit holds even when submissions race.
 */
export async function submitQuizAttempt(input: {
  learnerId: string;
  courseSlug: string;
  moduleSlug: string;
  submissionKey: string;
  answers: SubmittedAnswers;
}): Promise<{ attempt: QuizAttemptDoc; isNew: boolean; isCourseComplete: boolean }> {
  const { course, questions } = await findQuiz(input.courseSlug, input.moduleSlug);
  await requireEnrolment(input.learnerId, input.courseSlug);
  const learnerId = new Types.ObjectId(input.learnerId);
  const filter = { learnerId, courseSlug: input.courseSlug, moduleSlug: input.moduleSlug };
  const { answers, score } = gradeQuiz(questions, input.answers);

  for (let tries = 0; tries < 20; tries += 1) {
    const repeated = await QuizAttempt.findOne({ learnerId, submissionKey: input.submissionKey }).lean<QuizAttemptDoc>();
    if (repeated) return { attempt: repeated, isNew: false, isCourseComplete: false };
    const attempts = await QuizAttempt.countDocuments(filter);
    if (course.maxQuizAttempts > 0 && attempts >= course.maxQuizAttempts) throw new Forbidden('quiz.noAttemptsLeft');
    const attempt: QuizAttemptDoc = {
      ...filter,
      courseVersion: course.version,
      attemptNumber: attempts + 1,
      submissionKey: input.submissionKey,
      answers,
      score,
      isPassed: score >= course.passMark,
      submittedAt: new Date(),
    };
    try {
      await QuizAttempt.create(attempt);
    } catch (error) {
      if (isDuplicateKey(error)) continue; // a concurrent submission took this number or this key: look again
      throw error;
    }
    const completion = attempt.isPassed ? await evaluateCourseCompletion(input.learnerId, course) : { isCourseComplete: false };
    return { attempt, isNew: true, isCourseComplete: completion.isCourseComplete };
  }
  throw new Error('quiz attempt could not be recorded after repeated conflicts');
}
