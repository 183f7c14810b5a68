import type { Bilingual, CompletionRule, RetakeWaitFrom, ReviewPolicy } from './course-types';
import type { CourseVersionDoc } from './course-version.model';

/**
 * How a course version assesses learners: what a certificate issued for that version (an immutable version) means.
 * Public on the verification page; it says nothing about any learner's answers.
 */
export type AssessmentTerms = {
  completion: CompletionRule;
  passMark: number;
  /** Per module quiz: questions asked per attempt (`drawn`) out of its pool. */
  quizzes: { module: string; title: Bilingual; drawn: number; pool: number }[];
  drawn: number;
  pool: number;
  /** null = not limited. */
  maxAttempts: number | null;
  retakeAfterMinutes: number;
  retakeWaitFrom: RetakeWaitFrom;
  review: ReviewPolicy;
};

export function assessmentTermsOf(course: CourseVersionDoc): AssessmentTerms {
  const quizzes = course.modules
    .filter((module) => module.quiz?.questions.length)
    .map((module) => {
      const pool = module.quiz!.questions.length;
      return { module: module.slug, title: module.title, drawn: Math.min(module.quiz!.draw ?? pool, pool), pool };
    });
  return {
    completion: course.completion,
    passMark: course.passMark,
    quizzes,
    drawn: quizzes.reduce((sum, quiz) => sum + quiz.drawn, 0),
    pool: quizzes.reduce((sum, quiz) => sum + quiz.pool, 0),
    maxAttempts: course.maxQuizAttempts > 0 ? course.maxQuizAttempts : null,
    retakeAfterMinutes: course.retakeAfterMinutes ?? 0,
    retakeWaitFrom: course.retakeWaitFrom ?? 'first-failure',
    review: course.review ?? 'after-pass',
  };
}
