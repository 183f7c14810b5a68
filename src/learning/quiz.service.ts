import { Types } from 'mongoose';
import type { QuizQuestion } from '../courses/course-types';
import type { CourseVersionDoc, StoredModule } from '../courses/course-version.model';
import { isDuplicateKey } from '../db/duplicate-key';
import { Forbidden, HttpError, NotFound } from '../http/errors';
import { findLearnerFacts, QuizPassed } from './learner-fact.model';
import { parseQuizForm, type QuizFormResult, type SubmittedAnswers } from './learning.schemas';
import { evaluateCourseCompletion, learnerStateFromFacts, requireEnrolment, requireLiveCourse } from './learning.service';
import { QuizAttempt, type AnswerRecord, type QuizAttemptDoc } from './quiz-attempt.model';
import { drawQuestions, questionsOfDraw } from './quiz-draw';
import { QuizRecord, type QuizRecordDoc } from './quiz-record.model';
import { quizRulesOf, quizStanding, type QuizStanding } from './quiz-rules';

export type { SubmittedAnswers };

export function correctChoices(question: QuizQuestion): string[] {
  return typeof question.answer === 'boolean' ? [String(question.answer)] : [...question.answer].sort();
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

function historyOf(attempts: QuizAttemptDoc[], standing: QuizStanding): QuizHistory {
  const byNumber = [...attempts].sort((a, b) => a.attemptNumber - b.attemptNumber);
  const best = byNumber.reduce<QuizAttemptDoc | undefined>(
    (top, attempt) => (!top || attempt.score > top.score ? attempt : top),
    undefined,
  );
  return { attempts: attempts.length, best, last: byNumber.at(-1), attemptsLeft: standing.remaining };
}

type QuizKey = { learnerId: Types.ObjectId; courseSlug: string; moduleSlug: string };

/** This quiz's attempts and records (draws, grants) of one learner: two reads, sent together. */
async function readQuizState(key: QuizKey, withRecords = true) {
  const [attempts, records] = await Promise.all([
    QuizAttempt.find(key).lean<QuizAttemptDoc[]>(),
    withRecords ? QuizRecord.find(key).lean<QuizRecordDoc[]>() : Promise.resolve([] as QuizRecordDoc[]),
  ]);
  return { attempts, records };
}

function standingOf(course: CourseVersionDoc, attempts: QuizAttemptDoc[], records: QuizRecordDoc[], now = new Date()): QuizStanding {
  const grants = records.filter((record) => record.kind === 'grant').length;
  return quizStanding(quizRulesOf(course), attempts, grants, now);
}

/**
 * The stored draw of attempt `number` that the live version can still ask (at least one of its questions is in the
 * quiz): the newest such, since a course update that removed every question of a draw makes a new draw for it.
 */
function drawOf(records: QuizRecordDoc[], number: number, module?: StoredModule): QuizRecordDoc | undefined {
  return records
    .filter((record) => record.kind === 'draw' && record.number === number && record.questions?.length)
    .sort((a, b) => (b.courseVersion ?? 0) - (a.courseVersion ?? 0))
    .find((record) => !module || questionsOfDraw(module, record.questions!).length > 0);
}

/**
 * The draw of attempt `number`, stored on first use: an insert behind the unique index, so two tabs opening the
 * quiz at once get the same set (the loser of the insert reads the winner's).
 */
async function ensureDraw(key: QuizKey, course: CourseVersionDoc, module: StoredModule, records: QuizRecordDoc[], number: number) {
  const existing = drawOf(records, number, module);
  if (existing) return existing;
  const previous = drawOf(records, number - 1)?.questions;
  const record: QuizRecordDoc = {
    ...key,
    kind: 'draw',
    number,
    courseVersion: course.version,
    questions: drawQuestions(module, previous),
    createdAt: new Date(),
  };
  try {
    await QuizRecord.create(record);
    return record;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const winner = await QuizRecord.findOne({ ...key, kind: 'draw', number, courseVersion: course.version }).lean<QuizRecordDoc>();
    if (!winner) throw error;
    return winner;
  }
}

export type OpenedQuiz = {
  course: CourseVersionDoc;
  module: StoredModule;
  /** The questions of the attempt about to be taken (empty when none may be taken now). */
  questions: QuizQuestion[];
  history: QuizHistory;
  standing: QuizStanding;
};

/**
 * The quiz page of an enrolled learner: where they stand, and when they may take an attempt, its stored draw.
 * Three reads sent together (enrolment, attempts, records), plus the draw's insert the first time.
 */
export async function openQuiz(learnerId: string, courseSlug: string, moduleSlug: string): Promise<OpenedQuiz> {
  const { course, module } = await findQuiz(courseSlug, moduleSlug);
  const key = { learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug };
  const [, { attempts, records }] = await Promise.all([requireEnrolment(learnerId, courseSlug), readQuizState(key)]);
  const standing = standingOf(course, attempts, records);
  const history = historyOf(attempts, standing);
  if (!standing.canAttempt) return { course, module, questions: [], history, standing };
  const draw = await ensureDraw(key, course, module, records, standing.next);
  return { course, module, questions: questionsOfDraw(module, draw.questions ?? []), history, standing };
}

export type SubmitOutcome =
  | {
      kind: 'graded';
      attempt: QuizAttemptDoc;
      isNew: boolean;
      isCourseComplete: boolean;
      questions: QuizQuestion[];
      history: QuizHistory;
      standing: QuizStanding;
    }
  | { kind: 'invalid'; form: Extract<QuizFormResult, { ok: false }>; opened: OpenedQuiz }
  | { kind: 'closed'; opened: OpenedQuiz };

/** The questions an attempt was asked: its draw's, or the whole quiz for attempts stored before draws existed. */
function questionsOfAttempt(module: StoredModule, records: QuizRecordDoc[], attempt: QuizAttemptDoc): QuizQuestion[] {
  const draw = drawOf(records, attempt.attemptNumber, module);
  if (draw?.questions?.length) return questionsOfDraw(module, draw.questions);
  const asked = new Set(attempt.answers.map((answer) => answer.questionId));
  return (module.quiz?.questions ?? []).filter((question) => asked.has(question.id));
}

/**
 * Grades and stores one attempt. An attempt is submitted once: its number is unique per learner and quiz, and so
 * is the form's submission key, so a double submit, a second tab or a racing request gets the stored attempt back,
 * and the attempt limit and the wait after a failure hold whatever the concurrency. `attemptNumber` is the
 * attempt the form was drawn for; without it (API callers) the next attempt is meant, which works only for a quiz
 * that asks all its questions.
 */
export async function submitQuizAttempt(input: {
  learnerId: string;
  courseSlug: string;
  moduleSlug: string;
  attemptNumber?: number;
  body: unknown;
  now?: () => Date;
}): Promise<SubmitOutcome> {
  const { course, module } = await findQuiz(input.courseSlug, input.moduleSlug);
  const learnerId = new Types.ObjectId(input.learnerId);
  const key = { learnerId, courseSlug: input.courseSlug, moduleSlug: input.moduleSlug };
  const rules = quizRulesOf(course);
  // Draws matter to grading only when the quiz draws, grants only when the course limits attempts (the wait after
  // a failure needs only the attempts): a quiz that asks everything without a limit keeps its earlier round trips.
  const withRecords = Boolean(module.quiz?.draw) || rules.maxAttempts > 0;
  // The learner's facts in the course (enrolment, quizzes passed…) in one read, then this quiz's state.
  const facts = await findLearnerFacts(learnerId, input.courseSlug);
  if (!facts.some((fact) => fact.kind === 'enrolment')) throw new Forbidden('learning.notEnrolled');

  for (let tries = 0; tries < 20; tries += 1) {
    const { attempts, records } = await readQuizState(key, withRecords);
    const now = input.now?.() ?? new Date();
    const standing = standingOf(course, attempts, records, now);
    const history = historyOf(attempts, standing);
    const graded = (attempt: QuizAttemptDoc) =>
      ({
        kind: 'graded',
        attempt,
        isNew: false,
        isCourseComplete: false,
        questions: questionsOfAttempt(module, records, attempt),
        history,
        standing,
      }) as const;
    const submissionKey =
      typeof (input.body as { submissionKey?: unknown })?.submissionKey === 'string'
        ? (input.body as { submissionKey: string }).submissionKey
        : '';
    const repeated = attempts.find((attempt) => attempt.submissionKey === submissionKey);
    if (repeated) return graded(repeated);
    const number = input.attemptNumber ?? standing.next;
    const earlier = attempts.find((attempt) => attempt.attemptNumber === number);
    if (earlier) return graded(earlier); // this attempt was submitted already (another tab, a racing request)
    if (number !== standing.next) throw new HttpError(409, 'quiz.staleForm');
    const opened = (questions: QuizQuestion[]): OpenedQuiz => ({ course, module, questions, history, standing });
    if (!standing.canAttempt) return { kind: 'closed', opened: opened([]) };

    const draw = drawOf(records, number, module);
    const questions = draw?.questions?.length
      ? questionsOfDraw(module, draw.questions)
      : module.quiz?.draw
        ? []
        : (module.quiz?.questions ?? []);
    if (questions.length === 0) throw new HttpError(409, 'quiz.staleForm'); // a drawing quiz must be opened first
    const form = parseQuizForm(questions, input.body);
    if (!form.ok) return { kind: 'invalid', form, opened: opened(questions) };
    const { answers, score } = gradeQuiz(questions, form.answers);
    const attempt: QuizAttemptDoc = {
      ...key,
      courseVersion: course.version,
      attemptNumber: number,
      submissionKey: form.submissionKey,
      answers,
      score,
      isPassed: score >= course.passMark,
      submittedAt: now,
    };
    try {
      await QuizAttempt.create(attempt);
    } catch (error) {
      if (isDuplicateKey(error)) continue; // a concurrent submission took this number or this key: look again
      throw error;
    }
    const after = [...attempts, attempt];
    const newStanding = standingOf(course, after, records, now);
    const result = {
      kind: 'graded',
      attempt,
      isNew: true,
      questions,
      history: historyOf(after, newStanding),
      standing: newStanding,
    } as const;
    if (!attempt.isPassed) return { ...result, isCourseComplete: false };
    // The first pass of this quiz becomes a fact of its own, read with the rest of the learner's state.
    if (!facts.some((fact) => fact.kind === 'quizPassed' && fact.moduleSlug === input.moduleSlug)) {
      await QuizPassed.create({ ...key, passedAt: attempt.submittedAt }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      facts.push({ kind: 'quizPassed', ...key });
    }
    const completion = await evaluateCourseCompletion(input.learnerId, course, learnerStateFromFacts(course, facts));
    return { ...result, isCourseComplete: completion.isCourseComplete };
  }
  throw new Error('quiz attempt could not be recorded after repeated conflicts');
}
