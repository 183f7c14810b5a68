import type { Lang } from '../courses/course-types';
import type { Translate } from '../i18n/i18n';
import type { CsvValue } from './report-csv';
import { funnelOf, isLikelyContentProblem, outcomesOf, percent, sumDays, type DayRange } from './report-figures';
import {
  FUNNEL_STEPS,
  GROUP_DIMENSIONS,
  LANGUAGE_KEYS,
  SIZE_KEYS,
  WOMEN_KEYS,
  type LearnerDetail,
  type LearnerRow,
  type ReportSummary,
} from './report-types';

/**
 * Every report table as a header and rows of plain values: the page renders them, the CSV export writes them, so
 * both always show the same figures. Percentages are numbers 0-100 (null when there is nothing to divide by).
 */
export type Table = { header: string[]; rows: CsvValue[][] };

export const isoDate = (time: number | null) => (time ? new Date(time).toISOString().slice(0, 10) : null);
export const isoMinute = (time: number | null) => (time ? new Date(time).toISOString().slice(0, 16).replace('T', ' ') : null);
export const minutes = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 6) / 10);

export function funnelTable(summary: ReportSummary, range: DayRange, t: Translate): Table {
  const funnel = funnelOf(sumDays(summary, range));
  return {
    header: [t('reports.funnel.step'), t('reports.funnel.learners'), t('reports.funnel.share')],
    rows: FUNNEL_STEPS.map((step) => [t(`reports.funnel.${step}`), funnel[step], percent(funnel[step], funnel.enrolled)]),
  };
}

export function modulesTable(summary: ReportSummary, lang: Lang, t: Translate): Table {
  return {
    header: [
      t('reports.modules.module'),
      t('reports.modules.started'),
      t('reports.modules.completed'),
      t('reports.modules.share'),
      t('reports.modules.median'),
      t('reports.modules.timed'),
    ],
    rows: summary.modules.map((module) => [
      module.title[lang],
      module.started,
      module.completed,
      percent(module.completed, module.started),
      minutes(module.medianSeconds),
      module.timedLearners,
    ]),
  };
}

export function quizTable(summary: ReportSummary, lang: Lang, t: Translate): Table {
  const titles = new Map(summary.modules.map((module) => [module.slug, module.title[lang]]));
  const answerLabel = (id: string, label: { en: string; zh: string }, type: string) =>
    type === 'truefalse' ? t(`quiz.${id}`) : label[lang];
  return {
    header: [
      t('reports.quiz.module'),
      t('reports.quiz.id'),
      t('reports.quiz.question'),
      t('reports.quiz.shown'),
      t('reports.quiz.responses'),
      t('reports.quiz.correct'),
      t('reports.quiz.topWrong'),
      t('reports.quiz.topWrongCount'),
      t('reports.quiz.flag'),
    ],
    rows: summary.questions.map((question) => [
      titles.get(question.moduleSlug) ?? question.moduleSlug,
      question.questionId,
      question.prompt[lang],
      question.shown ?? question.responses,
      question.responses,
      percent(question.correct, question.shown ?? question.responses),
      question.topWrong ? answerLabel(question.topWrong.id, question.topWrong.label, question.type) : null,
      question.topWrong?.count ?? 0,
      isLikelyContentProblem(question) ? t('reports.quiz.flagged') : null,
    ]),
  };
}

/** Label of a group of a breakdown: a translated category, a region name as written by learners, or "not stated". */
export function groupLabel(dimension: (typeof GROUP_DIMENSIONS)[number], key: string, isUnknown: boolean, t: Translate): string {
  if (isUnknown) return t('reports.notStated');
  return dimension === 'region' ? key : t(`reports.${dimension}.${key}`);
}

/** `totals`: tallies of some learners only (a cohort's, see report-cohort.ts) instead of the whole course's. */
export function outcomesTables(
  summary: ReportSummary,
  range: DayRange,
  t: Translate,
  totals: number[] = sumDays(summary, range),
): { dimension: string; table: Table }[] {
  const outcomes = outcomesOf(summary, totals);
  return GROUP_DIMENSIONS.map((dimension) => ({
    dimension,
    table: {
      header: [t('reports.outcomes.group'), t('reports.outcomes.enrolled'), t('reports.outcomes.completed'), t('reports.outcomes.share')],
      rows: outcomes[dimension].map((group) => [
        groupLabel(dimension, group.key, group.isUnknown, t),
        group.enrolled,
        group.completed,
        percent(group.completed, group.enrolled),
      ]),
    },
  }));
}

/** All breakdowns in one table (for the CSV), the breakdown named in the first column. */
export function outcomesTable(summary: ReportSummary, range: DayRange, t: Translate, totals?: number[]): Table {
  const tables = outcomesTables(summary, range, t, totals);
  return {
    header: [t('reports.outcomes.dimension'), ...tables[0]!.table.header],
    rows: tables.flatMap(({ dimension, table }) => table.rows.map((row) => [t(`reports.dimension.${dimension}`), ...row])),
  };
}

/** Labels of every profile code of a snapshot, computed once per request (the CSV export formats 100 000 rows). */
export type ProfileLabels = { size: string[]; women: string[]; language: string[]; region: string[] };

export function profileLabelsOf(summary: ReportSummary, t: Translate): ProfileLabels {
  const of = (dimension: (typeof GROUP_DIMENSIONS)[number], keys: readonly string[]) =>
    keys.map((key, i) => groupLabel(dimension, key, i === keys.length - 1, t));
  return {
    size: of('size', SIZE_KEYS),
    women: of('women', WOMEN_KEYS),
    language: of('language', LANGUAGE_KEYS),
    region: [...summary.regions, t('reports.notStated')],
  };
}

export function profileLabels(row: LearnerRow, labels: ProfileLabels) {
  return {
    size: labels.size[row.size] ?? '',
    women: labels.women[row.women] ?? '',
    region: labels.region[row.region] ?? '',
    language: labels.language[row.language] ?? '',
  };
}

export function learnersHeader(t: Translate): string[] {
  return [
    t('reports.learners.name'),
    t('reports.learners.email'),
    t('reports.dimension.size'),
    t('reports.dimension.women'),
    t('reports.dimension.region'),
    t('reports.dimension.language'),
    t('reports.learners.enrolledOn'),
    t('reports.learners.modules'),
    t('reports.learners.minutes'),
    t('reports.learners.completedOn'),
    t('reports.learners.certified'),
  ];
}

export function learnerCells(row: LearnerRow, labels: ProfileLabels, yesNo: [string, string]): CsvValue[] {
  const profile = profileLabels(row, labels);
  return [
    row.name,
    row.email,
    profile.size,
    profile.women,
    profile.region,
    profile.language,
    isoDate(row.enrolledAt),
    row.modulesCompleted,
    minutes(row.seconds),
    isoDate(row.completedAt),
    row.isCertified ? yesNo[0] : yesNo[1],
  ];
}

export function learnerModulesTable(detail: LearnerDetail, summary: ReportSummary, lang: Lang, t: Translate): Table {
  const activity = new Map(detail.modules.map((entry) => [entry[0], entry]));
  return {
    header: [
      t('reports.modules.module'),
      t('reports.learner.visited'),
      t('reports.learner.moduleCompleted'),
      t('reports.learners.minutes'),
      t('reports.learner.views'),
    ],
    rows: summary.modules.map((module, i) => {
      const [, visited, completed, seconds, views] = activity.get(i) ?? [i, 0, 0, 0, 0];
      return [module.title[lang], isoMinute(visited || null), isoMinute(completed || null), minutes(seconds), views];
    }),
  };
}

export function learnerAttemptsTable(detail: LearnerDetail, summary: ReportSummary, lang: Lang, t: Translate): Table {
  return {
    header: [
      t('reports.modules.module'),
      t('reports.learner.attempt'),
      t('reports.learner.score'),
      t('reports.learner.passed'),
      t('reports.learner.submitted'),
    ],
    rows: detail.attempts.map(([module, number, score, passed, at]) => [
      summary.modules[module]?.title[lang] ?? '',
      number,
      score,
      passed ? t('reports.learners.yes') : t('reports.learners.no'),
      isoMinute(at),
    ]),
  };
}
