import { Types } from 'mongoose';
import type { QuizQuestion } from '../courses/course-types';
import type { StoredModule } from '../courses/course-version.model';
import { Forbidden, NotFound } from '../http/errors';
import { findLearnerFacts, QuizPassed } from './learner-fact.model';
import { evaluateCourseCompletion, learnerStateFromFacts, requireEnrolment, requireLiveCourse } from './learning.service';
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

/** Attempts so far, best and last scores, and retakes left (undefined = unlimited): one read. */
export async function getQuizHistory(learnerId: string, courseSlug: string, moduleSlug: string, maxAttempts: number): Promise<QuizHistory> {
  return historyOf(
    await QuizAttempt.find({ learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug }).lean<QuizAttemptDoc[]>(),
    maxAttempts,
  );
}

function historyOf(attempts: QuizAttemptDoc[], maxAttempts: number): QuizHistory {
  const byNumber = [...attempts].sort((a, b) => a.attemptNumber - b.attemptNumber);
  const best = byNumber.reduce<QuizAttemptDoc | undefined>(
    (top, attempt) => (!top || attempt.score > top.score ? attempt : top),
    undefined,
  );
  return {
    attempts: attempts.length,
    best,
    last: byNumber.at(-1),
    attemptsLeft: maxAttempts > 0 ? Math.max(0, maxAttempts - attempts.length) : undefined,
  };
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
  const learnerId = new Types.ObjectId(input.learnerId);
  // The learner's facts in the course (enrolment, quizzes passed…) in one read, then this quiz's attempts in one.
  const facts = await findLearnerFacts(learnerId, input.courseSlug);
  if (!facts.some((fact) => fact.kind === 'enrolment')) throw new Forbidden('learning.notEnrolled');
  const filter = { learnerId, courseSlug: input.courseSlug, moduleSlug: input.moduleSlug };
  const { answers, score } = gradeQuiz(questions, input.answers);

  for (let tries = 0; tries < 20; tries += 1) {
    const earlier = await QuizAttempt.find(filter).lean<QuizAttemptDoc[]>();
    const repeated = earlier.find((attempt) => attempt.submissionKey === input.submissionKey);
    if (repeated) return { attempt: repeated, isNew: false, isCourseComplete: false };
    const attempts = earlier.length;
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
    if (!attempt.isPassed) return { attempt, isNew: true, isCourseComplete: false };
    // The first pass of this quiz becomes a fact of its own, read with the rest of the learner's state.
    if (!facts.some((fact) => fact.kind === 'quizPassed' && fact.moduleSlug === input.moduleSlug)) {
      await QuizPassed.create({ ...filter, passedAt: attempt.submittedAt }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      facts.push({ kind: 'quizPassed', ...filter });
    }
    const completion = await evaluateCourseCompletion(input.learnerId, course, learnerStateFromFacts(course, facts));
    return { attempt, isNew: true, isCourseComplete: completion.isCourseComplete };
  }
  throw new Error('quiz attempt could not be recorded after repeated conflicts');
}
