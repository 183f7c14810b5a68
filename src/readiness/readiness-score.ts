import type { AreaScore, ReadinessAnswers, ReadinessCheck, ReadinessGap, ReadinessQuestion, ReadinessScore } from './readiness-types';

/** What a submitted form holds: the valid answers, and the questions left unanswered or answered with an unknown id. */
export type AnswerCheck = { answers: ReadinessAnswers; missing: string[]; unknown: string[] };

const FIELD_PREFIX = 'q_';

/** The form field of a question (prefixed, so a question id can never collide with `_csrf` or `submissionKey`). */
export const answerField = (questionId: string) => `${FIELD_PREFIX}${questionId}`;

/** Reads one answer per question from a flat form body; anything else in the body is ignored. */
export function readAnswers(check: ReadinessCheck, body: Record<string, unknown>): AnswerCheck {
  const answers: ReadinessAnswers = {};
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const question of check.questions) {
    const value = body[answerField(question.id)];
    if (value === undefined || value === '') missing.push(question.id);
    else if (typeof value === 'string' && question.options.some((option) => option.id === value)) answers[question.id] = value;
    else unknown.push(question.id);
  }
  return { answers, missing, unknown };
}

function optionOf(question: ReadinessQuestion, answers: ReadinessAnswers) {
  const chosen = answers[question.id];
  return chosen === undefined ? undefined : question.options.find((option) => option.id === chosen);
}

const percentOf = (points: number, max: number) => (max > 0 ? Math.round((points / max) * 100) : null);

/**
 * Scores answers against the check: per area the points won over the points possible (a question answered "does not
 * apply" counts in neither; an unanswered one counts as 0), the overall percentage over every area, and the first
 * level whose rule holds. Every answer below its question's best is a gap with its next step.
 */
export function scoreAnswers(check: ReadinessCheck, answers: ReadinessAnswers): ReadinessScore {
  const totals = new Map(check.areas.map((area) => [area.id, { points: 0, max: 0 }]));
  const gaps: ReadinessGap[] = [];
  for (const question of check.questions) {
    const option = optionOf(question, answers);
    if (option?.notApplicable) continue;
    const total = totals.get(question.area)!;
    const points = option?.points ?? 0;
    total.points += points;
    total.max += question.maxPoints;
    if (points < question.maxPoints && question.advice) {
      gaps.push({
        questionId: question.id,
        area: question.area,
        advice: question.advice,
        modules: question.modules,
        references: question.references,
      });
    }
  }
  const areas: AreaScore[] = check.areas.map((area) => {
    const { points, max } = totals.get(area.id)!;
    return { area: area.id, points, max, percent: percentOf(points, max) };
  });
  const sum = areas.reduce((acc, area) => ({ points: acc.points + area.points, max: acc.max + area.max }), { points: 0, max: 0 });
  const overall = percentOf(sum.points, sum.max) ?? 0;
  const level = levelFor(check, overall, areas);
  return { areas, overall, level, gaps };
}

/** The first level (in file order) whose rule holds; the validator guarantees the last one always does. */
export function levelFor(check: ReadinessCheck, overall: number, areas: AreaScore[]): string {
  const holds = (minOverall: number, minArea: number) =>
    overall >= minOverall && areas.every((area) => area.percent === null || area.percent >= minArea);
  const level =
    check.levels.find((candidate) => holds(candidate.overallAtLeast, candidate.everyAreaAtLeast)) ?? check.levels[check.levels.length - 1];
  return level!.id;
}

/**
 * The courses to suggest: those linked from the gaps of the weakest areas (lowest percentage first, ties in file
 * order), in the order they are linked, without repeats.
 */
export function suggestedCourses(score: Pick<ReadinessScore, 'areas' | 'gaps'>, limit = 2): string[] {
  const ranked = score.areas
    .filter((area) => area.percent !== null && area.percent < 100)
    .map((area, index) => ({ ...area, index }))
    .sort((a, b) => a.percent! - b.percent! || a.index - b.index);
  const courses: string[] = [];
  for (const area of ranked) {
    for (const gap of score.gaps.filter((candidate) => candidate.area === area.area)) {
      for (const link of gap.modules) if (!courses.includes(link.courseSlug)) courses.push(link.courseSlug);
    }
    if (courses.length >= limit) break;
  }
  return courses.slice(0, limit);
}
