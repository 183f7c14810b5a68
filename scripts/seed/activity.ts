import type { QuizQuestion } from '../../src/courses/course-types';
import { gradeQuiz } from '../../src/learning/quiz.service';
import type { Random } from './random';

export type SeedModule = { slug: string; minutes: number; questions: QuizQuestion[] };
export type SeedCourse = { slug: string; version: number; passMark: number; modules: SeedModule[]; buggyQuestion?: string };
/**
 * `persistence`: chance of completing a visited module, and of going on to the next one after a completion.
 * `attemptRate`: chance that a learner who will not finish takes a completed module's quiz. `retake`: chance of
 * another attempt after each attempt, for learners who finish the course and for the others.
 */
export type Behaviour = {
  start: number;
  persistence: number;
  attemptRate: number;
  timesPerVisit: number;
  retake: { finisher: number; other: number };
};

const HOUR = 3600 * 1000;

/** Expected visits and completions per enrolled learner under a behaviour (a geometric path through the modules). */
export function expectedProgress(
  behaviour: Pick<Behaviour, 'start' | 'persistence'>,
  modules: number,
): { visits: number; completions: number } {
  let visits = 0;
  let completions = 0;
  for (let k = 0; k < modules; k += 1) {
    visits += behaviour.start * behaviour.persistence ** (2 * k);
    completions += behaviour.start * behaviour.persistence ** (2 * k + 1);
  }
  return { visits, completions };
}

/** The persistence that makes the expected progress records (visits + completions) per learner equal `target`. */
export function tunePersistence(target: number, start: number, modules: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 50; i += 1) {
    const middle = (low + high) / 2;
    const { visits, completions } = expectedProgress({ start, persistence: middle }, modules);
    if (visits + completions < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

function correctChoices(question: QuizQuestion): string[] {
  return typeof question.answer === 'boolean' ? [String(question.answer)] : [...question.answer];
}

function wrongChoice(random: Random, question: QuizQuestion): string[] {
  const correct = correctChoices(question);
  if (question.type === 'truefalse') return [correct[0] === 'true' ? 'false' : 'true'];
  const wrong = question.options.map((option) => option.id).filter((id) => !correct.includes(id));
  // One "attractive" distractor gets most of the wrong answers, as in real item analyses.
  const distractor = wrong.length ? random.weighted(wrong.map((id, i) => [id, i === 0 ? 3 : 1] as const)) : undefined;
  if (question.type === 'single') return distractor ? [distractor] : correct;
  const partial = correct.length > 1 ? correct.slice(0, -1) : correct;
  return distractor && (random.chance(0.6) || partial.length === correct.length) ? [...partial, distractor] : partial;
}

/** Difficulty from the question id, stable across runs: most questions are answered right 60-95% of the time. */
function easeOf(questionId: string): number {
  let hash = 0;
  for (const char of questionId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 0.6 + (hash % 36) / 100;
}

/** Answers a quiz the way a learner of `ability` would; `mustPass` turns wrong answers right until it passes. */
export function answerQuiz(random: Random, course: SeedCourse, module: SeedModule, ability: number, mustPass: boolean) {
  const submitted: Record<string, string[]> = {};
  for (const question of module.questions) {
    const ease = question.id === course.buggyQuestion ? 0.12 : Math.min(0.98, easeOf(question.id) * ability);
    submitted[question.id] = random.chance(ease) ? correctChoices(question) : wrongChoice(random, question);
  }
  let graded = gradeQuiz(module.questions, submitted);
  for (const question of module.questions) {
    if (!mustPass || graded.score >= course.passMark) break;
    submitted[question.id] = correctChoices(question);
    graded = gradeQuiz(module.questions, submitted);
  }
  return { ...graded, isPassed: graded.score >= course.passMark };
}

export type LearnerActivity = {
  visits: { moduleSlug: string; firstVisitedAt: Date }[];
  completions: { moduleSlug: string; completedAt: Date }[];
  times: { moduleSlug: string; seconds: number; recordedAt: Date }[];
  attempts: {
    moduleSlug: string;
    attemptNumber: number;
    answers: ReturnType<typeof gradeQuiz>['answers'];
    score: number;
    isPassed: boolean;
    submittedAt: Date;
  }[];
  completedAt?: Date;
  lastModuleSlug?: string;
  lastVisitedAt?: Date;
};

/**
 * One learner's path through a course after enrolling: visit, read, complete, take the quiz, go on or drop out.
 * Events are placed at offsets from enrolment and squeezed into [enrolledAt, now] when the path would end later.
 */
export function simulateLearner(random: Random, course: SeedCourse, behaviour: Behaviour, enrolledAt: Date, now: Date): LearnerActivity {
  const activity: LearnerActivity = { visits: [], completions: [], times: [], attempts: [] };
  if (!random.chance(behaviour.start)) return activity;
  const ability = random.logNormal(1, 0.12);
  const events: { offset: number; apply: (at: Date) => void }[] = [];
  let offset = random.logNormal(2 * HOUR, 1);
  const completed: { module: SeedModule; offset: number }[] = [];
  for (const module of course.modules) {
    const visitOffset = offset;
    events.push({ offset: visitOffset, apply: (at) => activity.visits.push({ moduleSlug: module.slug, firstVisitedAt: at }) });
    const views = Math.floor(behaviour.timesPerVisit) + (random.chance(behaviour.timesPerVisit % 1) ? 1 : 0);
    for (let v = 0; v < views; v += 1) {
      const seconds = Math.round(Math.min(3600, Math.max(1, random.logNormal(module.minutes * 60 * 0.7, 0.6))));
      offset += seconds * 1000;
      events.push({ offset, apply: (at) => activity.times.push({ moduleSlug: module.slug, seconds, recordedAt: at }) });
    }
    if (!random.chance(behaviour.persistence)) break;
    offset += random.logNormal(10 * 60 * 1000, 0.5);
    events.push({ offset, apply: (at) => activity.completions.push({ moduleSlug: module.slug, completedAt: at }) });
    completed.push({ module, offset });
    if (module !== course.modules[course.modules.length - 1] && !random.chance(behaviour.persistence)) break;
    offset += random.logNormal(20 * HOUR, 1.2);
  }
  const isCourseComplete = completed.length === course.modules.length;
  for (const { module, offset: completedOffset } of completed) {
    if (!module.questions.length || (!isCourseComplete && !random.chance(behaviour.attemptRate))) continue;
    let at = completedOffset;
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      const isLast = attemptNumber >= 5 || !random.chance(isCourseComplete ? behaviour.retake.finisher : behaviour.retake.other);
      const graded = answerQuiz(random, course, module, ability * (1 + 0.08 * (attemptNumber - 1)), isCourseComplete && isLast);
      at += random.logNormal(5 * 60 * 1000, 0.5);
      events.push({
        offset: at,
        apply: (date) => activity.attempts.push({ moduleSlug: module.slug, attemptNumber, ...graded, submittedAt: date }),
      });
      if (isLast) break;
    }
  }
  const end = Math.max(...events.map((event) => event.offset));
  const scale = enrolledAt.getTime() + end > now.getTime() ? (now.getTime() - enrolledAt.getTime()) / end : 1;
  for (const event of events) event.apply(new Date(enrolledAt.getTime() + event.offset * scale));
  const lastVisit = activity.visits[activity.visits.length - 1];
  if (lastVisit) Object.assign(activity, { lastModuleSlug: lastVisit.moduleSlug, lastVisitedAt: lastVisit.firstVisitedAt });
  if (isCourseComplete) activity.completedAt = new Date(enrolledAt.getTime() + end * scale);
  return activity;
}
