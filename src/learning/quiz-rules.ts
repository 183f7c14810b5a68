import type { ReviewPolicy, RetakeWaitFrom } from '../courses/course-types';
import type { CourseVersionDoc } from '../courses/course-version.model';

/** A course's assessment rules with defaults applied (versions stored before these settings existed get them too). */
export type QuizRules = {
  passMark: number;
  /** 0 = unlimited. */
  maxAttempts: number;
  review: ReviewPolicy;
  retakeAfterMinutes: number;
  retakeWaitFrom: RetakeWaitFrom;
};

export function quizRulesOf(course: CourseVersionDoc): QuizRules {
  return {
    passMark: course.passMark,
    maxAttempts: course.maxQuizAttempts ?? 0,
    review: course.review ?? 'after-pass',
    retakeAfterMinutes: course.retakeAfterMinutes ?? 0,
    retakeWaitFrom: course.retakeWaitFrom ?? 'first-failure',
  };
}

/** The attempts' fields the rules look at. */
export type AttemptLike = { attemptNumber: number; isPassed: boolean; submittedAt: Date | string };

export type QuizStanding = {
  /** Attempts submitted so far (the highest attempt number). */
  used: number;
  /** The number the next attempt gets. */
  next: number;
  /** Attempts allowed in all, trainers' grants included; undefined = unlimited. */
  allowed?: number;
  /** undefined = unlimited. */
  remaining?: number;
  isPassed: boolean;
  /** When the next attempt may start, if a wait after a failed attempt is still running. */
  waitUntil?: Date;
  canAttempt: boolean;
  /** Whether correct answers, explanations and option feedback may be shown. */
  isRevealed: boolean;
};

/**
 * Where a learner stands on one quiz, from their attempts and the grants they received (no database access).
 * The wait applies after every failed attempt ('first-failure') or only from the second failed attempt on.
 */
export function quizStanding(rules: QuizRules, attempts: AttemptLike[], grants: number, now = new Date()): QuizStanding {
  const used = attempts.reduce((top, attempt) => Math.max(top, attempt.attemptNumber), 0);
  const last = attempts.find((attempt) => attempt.attemptNumber === used);
  const isPassed = attempts.some((attempt) => attempt.isPassed);
  const allowed = rules.maxAttempts > 0 ? rules.maxAttempts + grants : undefined;
  const remaining = allowed === undefined ? undefined : Math.max(0, allowed - used);
  const failures = attempts.filter((attempt) => !attempt.isPassed).length;
  const waitStarts = rules.retakeWaitFrom === 'second-failure' ? 2 : 1;
  let waitUntil: Date | undefined;
  if (rules.retakeAfterMinutes > 0 && last && !last.isPassed && failures >= waitStarts) {
    const until = new Date(new Date(last.submittedAt).getTime() + rules.retakeAfterMinutes * 60_000);
    if (until > now) waitUntil = until;
  }
  return {
    used,
    next: used + 1,
    allowed,
    remaining,
    isPassed,
    waitUntil,
    canAttempt: remaining !== 0 && !waitUntil,
    isRevealed: rules.review === 'always' || isPassed || remaining === 0,
  };
}

/** Whole minutes until `until`, rounded up (at least 1). */
export function minutesUntil(until: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}
