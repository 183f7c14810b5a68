import { randomInt } from 'node:crypto';
import type { QuizQuestion } from '../courses/course-types';
import type { StoredModule } from '../courses/course-version.model';
import type { DrawnQuestion } from './quiz-record.model';

/** Fisher–Yates with the operating system's randomness (an attempt's questions must not be predictable). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Option ids in a random order; `fixed` options ("all of the above") keep their written position. */
export function shuffleOptions(question: QuizQuestion): string[] {
  const moving = shuffled(question.options.filter((option) => !option.fixed).map((option) => option.id));
  return question.options.map((option) => (option.fixed ? option.id : (moving.shift() as string)));
}

const setKey = (questions: DrawnQuestion[]) =>
  questions
    .map((question) => question.id)
    .sort()
    .join('\n');

/**
 * Draws one attempt's questions: `quiz.draw` of the pool (all when unset) in a random order, options shuffled.
 * When the pool allows, the set differs from the previous attempt's, so a retake is not the same quiz again.
 */
export function drawQuestions(module: StoredModule, previous?: DrawnQuestion[]): DrawnQuestion[] {
  const pool = module.quiz?.questions ?? [];
  const count = Math.min(module.quiz?.draw ?? pool.length, pool.length);
  const avoid = previous && count < pool.length ? setKey(previous) : undefined;
  let picked = shuffled(pool).slice(0, count);
  for (let tries = 0; avoid !== undefined && tries < 20 && setKey(picked.map((q) => ({ id: q.id, options: [] }))) === avoid; tries += 1) {
    picked = shuffled(pool).slice(0, count);
  }
  return picked.map((question) => ({ id: question.id, options: question.type === 'truefalse' ? [] : shuffleOptions(question) }));
}

/**
 * The drawn questions as the current course version has them, options in the drawn order. Questions the version no
 * longer has are left out; options it added come last.
 */
export function questionsOfDraw(module: StoredModule, drawn: DrawnQuestion[]): QuizQuestion[] {
  const pool = new Map((module.quiz?.questions ?? []).map((question) => [question.id, question]));
  return drawn.flatMap((entry) => {
    const question = pool.get(entry.id);
    if (!question) return [];
    const rank = (id: string) => {
      const at = entry.options.indexOf(id);
      return at < 0 ? Number.MAX_SAFE_INTEGER : at;
    };
    return [{ ...question, options: [...question.options].sort((a, b) => rank(a.id) - rank(b.id)) }];
  });
}
