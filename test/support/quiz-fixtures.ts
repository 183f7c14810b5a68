import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csrfFrom, tokenFor, type Agent } from './agents';

/** The quiz fixture course (test/fixtures/quiz-courses/quiz-pools): module 1 draws 2 of 4 questions, module 2 asks both of its 2. */
export const QUIZ_COURSE = 'quiz-pools';
export const DRAW_MODULE = 'drawing';
export const FULL_MODULE = 'second';

/** Right and wrong choices per question id of the fixture. */
export const RIGHT: Record<string, string> = { p1: 'a', p2: 'd', p3: 'true', p4: 'b', s1: 'a', s2: 'true' };
export const WRONG: Record<string, string> = { p1: 'b', p2: 'a', p3: 'false', p4: 'a', s1: 'b', s2: 'false' };

type Settings = Partial<Record<'maxQuizAttempts' | 'review' | 'retakeAfterMinutes' | 'retakeWaitFrom' | 'passMark', string | number>>;

/**
 * Copies the fixture course to a new courses folder under `slug`, with course.yaml settings replaced (an empty
 * string removes the line, so the default applies). Returns the folder to import.
 */
export function writeQuizCourse(slug = QUIZ_COURSE, settings: Settings = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pa-quiz-courses-'));
  const dir = path.join(root, slug);
  cpSync(path.resolve('test/fixtures/quiz-courses', QUIZ_COURSE), dir, { recursive: true });
  const file = path.join(dir, 'course.yaml');
  let text = readFileSync(file, 'utf8');
  for (const [key, value] of Object.entries(settings)) {
    const line = value === '' ? '' : `${key}: ${value}\n`;
    text = new RegExp(`^${key}:`, 'm').test(text) ? text.replace(new RegExp(`^${key}:.*\\n`, 'm'), line) : text + line;
  }
  writeFileSync(file, text);
  return root;
}

export type QuizForm = { csrf: string; submissionKey: string; attempt: string; questionIds: string[]; html: string };

/** Reads the quiz form of a page: its hidden fields and the question ids, in the order shown. */
export function quizFormOf(html: string): QuizForm {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
  const questionIds = [...new Set([...html.matchAll(/name="q_([a-z0-9-]+)"/g)].map((match) => match[1]!))];
  return { csrf: csrfFrom(html), submissionKey: field('submissionKey'), attempt: field('attempt'), questionIds, html };
}

export const quizUrl = (course: string, module: string) => `/courses/${course}/modules/${module}/quiz`;

/** Opens the quiz page (200) and reads its form. */
export async function openQuizForm(agent: Agent, course: string, module: string): Promise<QuizForm> {
  const page = await agent.get(quizUrl(course, module)).expect(200);
  return quizFormOf(page.text);
}

/** The form's fields answering every shown question from `choices`. */
export function answersFor(form: QuizForm, choices: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = { _csrf: form.csrf, submissionKey: form.submissionKey, attempt: form.attempt };
  for (const id of form.questionIds) fields[`q_${id}`] = choices[id]!;
  return fields;
}

export async function enrolIn(agent: Agent, course: string): Promise<void> {
  await agent
    .post(`/courses/${course}/enrol`)
    .type('form')
    .send({ _csrf: await tokenFor(agent, `/courses/${course}`) })
    .expect(303);
}
