import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { QuizQuestion } from '../courses/course-types';

/** What the learner chose, per question id: option ids, or `true`/`false` for true/false questions. */
export type SubmittedAnswers = Record<string, string[]>;

/** The choices a question accepts (the form may offer nothing else). */
export function allowedChoices(question: QuizQuestion): string[] {
  return question.type === 'truefalse' ? ['true', 'false'] : question.options.map((option) => option.id);
}

export const slugParam = z.string().regex(/^[a-z0-9-]{1,100}$/);
export const courseParams = z.object({ slug: slugParam });
export const moduleParams = z.object({ slug: slugParam, module: slugParam });

export const timeBody = z.object({
  seconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600),
});

/** The attempt a quiz form was drawn for (a hidden field). */
export const attemptField = z.coerce.number().int().min(1).max(1_000_000);

export const submissionKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export function newSubmissionKey(): string {
  return randomBytes(18).toString('base64url');
}

export type QuizFormResult =
  | { ok: true; submissionKey: string; answers: SubmittedAnswers }
  | { ok: false; submissionKey: string; answers: SubmittedAnswers; missing: string[]; isMalformed: boolean };

/**
 * Reads a quiz form: field `q_<questionId>` holds the chosen option id(s). Anything that is not one of the offered
 * choices makes the form malformed (it never reaches grading); unanswered questions are listed so the page can say
 * which, keeping what the learner chose.
 */
export function parseQuizForm(questions: QuizQuestion[], body: unknown): QuizFormResult {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const key = submissionKey.safeParse(fields.submissionKey);
  const answers: SubmittedAnswers = {};
  const missing: string[] = [];
  let isMalformed = !key.success;
  for (const question of questions) {
    const raw = fields[`q_${question.id}`];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const allowed = allowedChoices(question);
    const valid = values.filter((value): value is string => typeof value === 'string' && allowed.includes(value));
    if (valid.length !== values.length || values.length > allowed.length || (question.type !== 'multiple' && valid.length > 1))
      isMalformed = true;
    answers[question.id] = [...new Set(valid)];
    if (valid.length === 0) missing.push(question.id);
  }
  const submission = key.success ? key.data : newSubmissionKey();
  if (isMalformed || missing.length) return { ok: false, submissionKey: submission, answers, missing, isMalformed };
  return { ok: true, submissionKey: submission, answers };
}
