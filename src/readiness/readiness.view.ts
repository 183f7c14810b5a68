import type { Lang } from '../courses/course-types';
import { getLiveCourse } from '../courses/courses.service';
import type { Translate } from '../i18n/i18n';
import { answerField } from './readiness-score';
import type { ModuleLink, ReadinessAnswers, ReadinessCheck, ReadinessScore } from './readiness-types';

export function formatDay(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** The form, with earlier answers kept and each missing or unknown answer marked (a 422 loses nothing). */
export function buildFormView(
  check: ReadinessCheck,
  lang: Lang,
  t: Translate,
  state: { submissionKey: string; answers?: ReadinessAnswers; missing?: string[]; unknown?: string[] },
) {
  const missing = new Set(state.missing ?? []);
  const unknown = new Set(state.unknown ?? []);
  let number = 0;
  const numbers = new Map(check.questions.map((question) => [question.id, (number += 1)]));
  const areas = check.areas.map((area, index) => ({
    id: area.id,
    title: area.title[lang],
    progress: t('readiness.areaProgress', { number: index + 1, total: check.areas.length }),
    questions: check.questions
      .filter((question) => question.area === area.id)
      .map((question) => ({
        id: question.id,
        field: answerField(question.id),
        number: numbers.get(question.id)!,
        prompt: question.prompt[lang],
        error: missing.has(question.id) || unknown.has(question.id),
        choices: question.options.map((option) => ({
          id: option.id,
          text: option.text[lang],
          isChosen: state.answers?.[question.id] === option.id,
        })),
      })),
  }));
  const errors = check.questions.flatMap((question) => {
    const n = numbers.get(question.id)!;
    if (missing.has(question.id)) return [{ id: question.id, text: t('readiness.unanswered', { number: n }) }];
    if (unknown.has(question.id)) return [{ id: question.id, text: t('readiness.unknownOption', { number: n }) }];
    return [];
  });
  return {
    title: t('readiness.title'),
    intro: t('readiness.intro', { count: check.questions.length }),
    submissionKey: state.submissionKey,
    areas,
    errors,
  };
}

export type LinkView = { href: string; text: string };

type LiveCourses = Map<string, Awaited<ReturnType<typeof getLiveCourse>>>;

/** The live courses the links point at, each read once (in parallel) however many links name it. */
async function liveCoursesOf(links: ModuleLink[]): Promise<LiveCourses> {
  const slugs = [...new Set(links.map((link) => link.courseSlug))];
  const courses = await Promise.all(slugs.map((slug) => getLiveCourse(slug)));
  return new Map(slugs.map((slug, index) => [slug, courses[index]]));
}

/** Deep links with course and module titles from the live courses (the slug when a course is not imported). */
function moduleLinks(links: ModuleLink[], courses: LiveCourses, lang: Lang, t: Translate): LinkView[] {
  return links.map((link) => {
    const course = courses.get(link.courseSlug);
    const courseTitle = course?.title[lang] ?? link.courseSlug;
    if (!link.moduleSlug) return { href: `/courses/${link.courseSlug}`, text: courseTitle };
    const module = course?.modules.find((candidate) => candidate.slug === link.moduleSlug);
    return {
      href: `/courses/${link.courseSlug}/modules/${link.moduleSlug}`,
      text: t('readiness.module', { course: courseTitle, module: module?.title[lang] ?? link.moduleSlug }),
    };
  });
}

function toneOf(check: ReadinessCheck, levelId: string): 'passed' | 'on-the-way' | '' {
  const index = check.levels.findIndex((level) => level.id === levelId);
  if (index === 0) return 'passed';
  return index === check.levels.length - 1 ? '' : 'on-the-way';
}

export type ResultSource = { score: ReadinessScore; takenAt: Date; progress?: Map<string, number | null> };

function changeText(t: Translate, change: number | null | undefined, hasPrevious: boolean): string {
  if (!hasPrevious) return t('readiness.result.first');
  if (change === null || change === undefined) return '';
  if (change === 0) return t('readiness.result.noChange');
  return change > 0 ? t('readiness.result.up', { points: change }) : t('readiness.result.down', { points: -change });
}

/** The result page (and the PDF) as text in one language: level, areas, and each gap's next step with its links. */
export async function buildResultView(check: ReadinessCheck, source: ResultSource, lang: Lang, t: Translate, locale: string) {
  const { score } = source;
  const level = check.levels.find((candidate) => candidate.id === score.level)!;
  const titles = new Map(check.areas.map((area) => [area.id, area.title[lang]]));
  const hasPrevious = Boolean(source.progress);
  const prompts = new Map(check.questions.map((question) => [question.id, question.prompt[lang]]));
  const courses = await liveCoursesOf(score.gaps.flatMap((gap) => gap.modules));
  return {
    title: t('readiness.result.title'),
    takenAt: t('readiness.result.takenAt', { date: formatDay(source.takenAt, locale) }),
    // The banner's colour: the top level reads as a pass, the bottom one as not yet, any between as on the way.
    level: { id: level.id, label: level.label[lang], summary: level.summary[lang], tone: toneOf(check, level.id) },
    overall: score.overall,
    showChange: hasPrevious,
    areas: score.areas.map((area) => ({
      id: area.area,
      title: titles.get(area.area) ?? area.area,
      percent: area.percent,
      change: changeText(t, source.progress?.get(area.area), hasPrevious),
    })),
    gaps: score.gaps.map((gap) => ({
      area: titles.get(gap.area) ?? gap.area,
      question: prompts.get(gap.questionId) ?? '',
      advice: gap.advice[lang],
      links: moduleLinks(gap.modules, courses, lang, t),
      sources: gap.references.map((id) => ({ id, ...check.references[id]! })),
    })),
  };
}
