import type { Lang } from '../courses/course-types';
import type { Translate } from '../i18n/i18n';
import type { LearnerPage } from './learner-table';
import type { CsvValue } from './report-csv';
import type { DayRange } from './report-figures';
import { CHART_COLORS, renderBarChart } from './report-svg';
import {
  funnelTable,
  isoDate,
  learnerAttemptsTable,
  learnerCells,
  learnerModulesTable,
  learnersHeader,
  minutes,
  modulesTable,
  outcomesTables,
  profileLabels,
  profileLabelsOf,
  quizTable,
  type Table,
} from './report-tables';
import { SIZE_KEYS, WOMEN_KEYS, type LearnerDetail, type ReportSummary } from './report-types';
import type { ReportCourse } from './reports.service';
import { NO_REGION, type LearnerQuery, type RangeQuery } from './reports.schemas';

/** A table cell as the view prints it: text, optionally a link, optionally emphasised. */
export type Cell = { text: string; href?: string; isStrong?: boolean };
export type TableView = { header: string[]; rows: Cell[][] };

/** A URL with the given query parameters (empty ones left out). */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function formatValue(value: CsvValue, isPercent: boolean, numbers: Intl.NumberFormat): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return `${numbers.format(value)}${isPercent ? '%' : ''}`;
  return String(value);
}

/** A table for the page: percentage columns (by header index) get a % sign, missing values a dash. */
export function toTableView(table: Table, locale: string, percentColumns: number[] = []): TableView {
  const numbers = new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 });
  return {
    header: table.header,
    rows: table.rows.map((row) => row.map((value, i) => ({ text: formatValue(value, percentColumns.includes(i), numbers) }))),
  };
}

const formatTime = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

export function buildIndexView(courses: ReportCourse[], lang: Lang, t: Translate) {
  return {
    title: t('reports.title'),
    courses: courses.map((course) => ({
      title: course.title[lang],
      href: `/reports/courses/${course.slug}`,
      meta: course.builtAt
        ? `${t('reports.learnerCount', { count: course.learnerCount ?? 0 })} · ${t('reports.builtAt', { time: formatTime(course.builtAt) })}`
        : t('reports.notBuilt'),
    })),
  };
}

type ReportContext = { summary: ReportSummary; lang: Lang; t: Translate; locale: string; isStale: boolean; isRefreshing: boolean };

function header(context: ReportContext) {
  const { summary, lang, t } = context;
  const base = `/reports/courses/${summary.courseSlug}`;
  return {
    base,
    courseTitle: summary.title[lang],
    builtAt: t('reports.builtAt', { time: formatTime(new Date(summary.builtAt)) }),
    notice: context.isStale ? t('reports.stale') : context.isRefreshing ? t('reports.refreshing') : undefined,
  };
}

/** The quiz table, a flagged question's row in bold. */
function quizTableView(summary: ReportSummary, lang: Lang, t: Translate, locale: string): TableView {
  const table = quizTable(summary, lang, t);
  // Columns: module, id, question, shown, answers, % correct (of shown), top wrong answer, its count, flag.
  const view = toTableView(table, locale, [5]);
  view.rows.forEach((row, i) => {
    if (table.rows[i]?.[8]) row.forEach((cell) => (cell.isStrong = true));
  });
  return view;
}

/** The course report page: funnel and outcomes for the date range, module drop-off and quiz items for all time. */
export function buildCourseReportView(
  context: ReportContext & {
    range: RangeQuery;
    dayRange: DayRange;
    refreshStarted: boolean;
    /** Cohorts the outcomes can be restricted to, and the tallies of the chosen one's members. */
    cohorts?: { id: string; name: string }[];
    outcomeTotals?: number[];
  },
) {
  const { summary, lang, t, locale, range } = context;
  const top = header(context);
  const funnel = funnelTable(summary, context.dayRange, t);
  const modules = modulesTable(summary, lang, t);
  const rangeParams = { from: range.from, to: range.to };
  return {
    ...top,
    title: t('reports.courseReport', { course: top.courseTitle }),
    refreshStarted: context.refreshStarted,
    range: {
      from: range.from ?? '',
      to: range.to ?? '',
      text:
        range.from || range.to
          ? t('reports.range.between', { from: range.from ?? t('reports.range.open'), to: range.to ?? t('reports.range.open') })
          : t('reports.range.all'),
    },
    funnel: {
      table: toTableView(funnel, locale, [2]),
      csv: withQuery(`${top.base}/funnel.csv`, rangeParams),
      svg: renderBarChart({
        id: 'funnel-chart',
        title: t('reports.funnel.title'),
        desc: t('reports.funnel.desc'),
        series: [{ label: t('reports.funnel.learners'), color: CHART_COLORS[0] }],
        groups: funnel.rows.map((row) => ({ label: String(row[0]), values: [Number(row[1])] })),
      }),
    },
    modules: {
      table: toTableView(modules, locale, [3]),
      csv: `${top.base}/modules.csv`,
      svg: renderBarChart({
        id: 'modules-chart',
        title: t('reports.modules.title'),
        desc: t('reports.modules.desc'),
        series: [
          { label: t('reports.modules.started'), color: CHART_COLORS[0] },
          { label: t('reports.modules.completed'), color: CHART_COLORS[1] },
        ],
        groups: summary.modules.map((module) => ({ label: module.title[lang], values: [module.started, module.completed] })),
      }),
    },
    quiz: { table: quizTableView(summary, lang, t, locale), csv: `${top.base}/quiz.csv` },
    outcomes: {
      tables: outcomesTables(summary, context.dayRange, t, context.outcomeTotals).map(({ dimension, table }) => ({
        title: t(`reports.dimension.${dimension}`),
        table: toTableView(table, locale, [3]),
      })),
      csv: withQuery(`${top.base}/outcomes.csv`, { ...rangeParams, cohort: range.cohort }),
      cohorts: (context.cohorts ?? []).map((cohort) => ({ value: cohort.id, label: cohort.name, selected: cohort.id === range.cohort })),
      cohortName: context.cohorts?.find((cohort) => cohort.id === range.cohort)?.name,
      range: rangeParams,
    },
    learnersHref: `${top.base}/learners`,
  };
}

/** Choices of the learner table's filter form. */
function filterOptions(summary: ReportSummary, t: Translate) {
  return {
    sizes: SIZE_KEYS.map((key) => ({ value: key, label: key === 'unknown' ? t('reports.notStated') : t(`reports.size.${key}`) })),
    women: WOMEN_KEYS.map((key) => ({ value: key, label: key === 'unknown' ? t('reports.notStated') : t(`reports.women.${key}`) })),
    regions: [...summary.regions.map((region) => ({ value: region, label: region })), { value: NO_REGION, label: t('reports.notStated') }],
    completed: [
      { value: 'yes', label: t('reports.learners.yes') },
      { value: 'no', label: t('reports.learners.no') },
    ],
  };
}

export function buildLearnersView(context: ReportContext & { page: LearnerPage; query: LearnerQuery }) {
  const { summary, t, locale, page, query } = context;
  const top = header(context);
  const filters = { q: query.q, size: query.size, women: query.women, region: query.region, completed: query.completed };
  const labels = profileLabelsOf(summary, t);
  const yesNo: [string, string] = [t('reports.learners.yes'), t('reports.learners.no')];
  const table = toTableView({ header: learnersHeader(t), rows: page.rows.map((row) => learnerCells(row, labels, yesNo)) }, locale);
  table.rows.forEach((cells, i) => (cells[0]!.href = `${top.base}/learners/${page.rows[i]!.id}`));
  const pageHref = (n: number) => withQuery(`${top.base}/learners`, { ...filters, page: n });
  return {
    ...top,
    title: `${t('reports.learners.title')} · ${top.courseTitle}`,
    filters: {
      q: query.q ?? '',
      size: query.size ?? '',
      women: query.women ?? '',
      region: query.region ?? '',
      completed: query.completed ?? '',
    },
    options: filterOptions(summary, t),
    count: t('reports.learners.count', { total: page.total, page: page.page, pages: page.pageCount }),
    isEmpty: page.total === 0,
    table,
    csv: withQuery(`${top.base}/learners.csv`, filters),
    previous: page.page > 1 ? pageHref(page.page - 1) : undefined,
    next: page.page < page.pageCount ? pageHref(page.page + 1) : undefined,
  };
}

export function buildLearnerView(context: ReportContext & { detail: LearnerDetail }) {
  const { summary, lang, t, locale, detail } = context;
  const top = header(context);
  const { row } = detail;
  const labels = profileLabels(row, profileLabelsOf(summary, t));
  const base = `${top.base}/learners/${row.id}`;
  return {
    ...top,
    title: t('reports.learner.title', { name: row.name }),
    name: row.name,
    profile: [
      [t('reports.learners.email'), row.email],
      [t('reports.dimension.size'), labels.size],
      [t('reports.dimension.women'), labels.women],
      [t('reports.dimension.region'), labels.region],
      [t('reports.dimension.language'), labels.language],
      [t('reports.learners.enrolledOn'), isoDate(row.enrolledAt) ?? '—'],
      [t('reports.learners.completedOn'), isoDate(row.completedAt) ?? '—'],
      [t('reports.learners.certified'), row.isCertified ? t('reports.learners.yes') : t('reports.learners.no')],
    ].map(([label, value]) => ({ label: label!, value: value! })),
    totalTime: t('reports.learner.totalTime', { minutes: minutes(row.seconds) ?? 0 }),
    modules: { table: toTableView(learnerModulesTable(detail, summary, lang, t), locale), csv: `${base}/modules.csv` },
    attempts: {
      table: toTableView(learnerAttemptsTable(detail, summary, lang, t), locale),
      csv: `${base}/attempts.csv`,
      isEmpty: detail.attempts.length === 0,
    },
    learnersHref: `${top.base}/learners`,
  };
}
