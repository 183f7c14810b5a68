import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import { ServiceUnavailable } from '../http/errors';
import { CSV_BOM, csvDocument, csvLine } from './report-csv';
import type { LearnerRow } from './report-types';
import {
  funnelTable,
  learnerAttemptsTable,
  learnerCells,
  learnerModulesTable,
  learnersHeader,
  modulesTable,
  outcomesTable,
  profileLabelsOf,
  quizTable,
  type Table,
} from './report-tables';
import { courseParams, learnerParams, learnerQuery, rangeQuery, toDayRange, type RangeQuery } from './reports.schemas';
import { outcomeTotalsOf, rowsOfLearners } from './report-cohort';
import type { LoadedSnapshot } from './report-store';
import { cohortChoicesFor, cohortMembersFor } from '../cohorts/cohort-reports';
import {
  getLearnerDetail,
  getLearnerPage,
  getLearnerRows,
  listReportCourses,
  openCourseReport,
  requestReportRefresh,
  type ReportOptions,
} from './reports.service';
import { buildCourseReportView, buildIndexView, buildLearnerView, buildLearnersView } from './reports.view';
import { actorOf, pageContext, parseParams, parseQuery } from '../http/request';

export const reportsRouter = Router();

/** How long a page waits for a first build before answering "preparing" (small databases build well within it). */
const FIRST_BUILD_WAIT_MS = 4000;

const staffOnly = requireRole('trainer', 'admin');
const optionsFor = (req: Request): ReportOptions => ({
  waitMs: FIRST_BUILD_WAIT_MS,
  maxAgeMs: req.app.locals.reportMaxAgeMs,
  onBackgroundError: (error) => req.log.error({ err: error }, 'report snapshot build failed'),
});

/** With `?cohort=`, the outcome tallies of that cohort's members (a cohort the reader manages) instead of everyone's. */
async function cohortOutcomeTotals(req: Request, snapshot: LoadedSnapshot, range: RangeQuery): Promise<number[] | undefined> {
  if (!range.cohort) return undefined;
  const { memberIds } = await cohortMembersFor(actorOf(req), range.cohort);
  return outcomeTotalsOf(snapshot, await rowsOfLearners(snapshot, memberIds), toDayRange(range));
}

function renderPreparing(res: Response): void {
  res.status(202).render('reports/preparing', { title: res.locals.t('reports.preparing.title') });
}

function sendCsv(res: Response, filename: string, table: Table): void {
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  });
  res.send(csvDocument(table.header, table.rows));
}

reportsRouter.use('/reports', staffOnly, (_req, res, next) => {
  // Reports show personal data: never cached by the browser or a proxy.
  res.set('Cache-Control', 'no-store');
  next();
});

reportsRouter.get('/reports', async (req, res) => {
  const { lang, t } = pageContext(res);
  res.render('reports/index', buildIndexView(await listReportCourses(actorOf(req)), lang, t));
});

reportsRouter.get('/reports/courses/:slug', async (req, res) => {
  const { slug } = parseParams(courseParams, req.params);
  const range = parseQuery(rangeQuery, req.query);
  const report = await openCourseReport(actorOf(req), slug, optionsFor(req));
  if (report.state !== 'ready') return renderPreparing(res);
  const [cohorts, outcomeTotals] = await Promise.all([
    cohortChoicesFor(actorOf(req), slug),
    cohortOutcomeTotals(req, report.snapshot, range),
  ]);
  const view = buildCourseReportView({
    ...pageContext(res),
    ...report,
    summary: report.snapshot.summary,
    range,
    dayRange: toDayRange(range),
    cohorts,
    outcomeTotals,
    refreshStarted: req.query.updating === '1',
  });
  res.render('reports/course', view);
});

reportsRouter.post('/reports/courses/:slug/refresh', async (req, res) => {
  const { slug } = parseParams(courseParams, req.params);
  await requestReportRefresh(actorOf(req), slug, optionsFor(req).onBackgroundError);
  res.redirect(303, `/reports/courses/${slug}?updating=1`);
});

const courseTables = {
  funnel: { usesRange: true, build: funnelTable },
  outcomes: { usesRange: true, build: outcomesTable },
  modules: { usesRange: false, build: modulesTable },
  quiz: { usesRange: false, build: quizTable },
} as const;

for (const [name, table] of Object.entries(courseTables)) {
  reportsRouter.get(`/reports/courses/:slug/${name}.csv`, async (req, res) => {
    const { slug } = parseParams(courseParams, req.params);
    const range = parseQuery(rangeQuery, req.query);
    const report = await openCourseReport(actorOf(req), slug, optionsFor(req));
    if (report.state !== 'ready') throw new ServiceUnavailable('reports.preparing.body');
    const { lang, t } = pageContext(res);
    const summary = report.snapshot.summary;
    const built = table.usesRange
      ? (table.build as typeof outcomesTable)(
          summary,
          toDayRange(range),
          t,
          name === 'outcomes' ? await cohortOutcomeTotals(req, report.snapshot, range) : undefined,
        )
      : (table.build as typeof modulesTable)(summary, lang, t);
    const suffix =
      (table.usesRange && (range.from || range.to) ? `-${range.from ?? 'start'}-to-${range.to ?? 'today'}` : '') +
      (name === 'outcomes' && range.cohort ? `-cohort-${range.cohort}` : '');
    sendCsv(res, `${slug}-${name}${suffix}.csv`, built);
  });
}

reportsRouter.get('/reports/courses/:slug/learners', async (req, res) => {
  const { slug } = parseParams(courseParams, req.params);
  const query = parseQuery(learnerQuery, req.query);
  const result = await getLearnerPage(actorOf(req), slug, query, optionsFor(req));
  if (result.state !== 'ready') return renderPreparing(res);
  res.render('reports/learners', buildLearnersView({ ...pageContext(res), ...result, summary: result.snapshot.summary, query }));
});

reportsRouter.get('/reports/courses/:slug/learners.csv', async (req, res) => {
  const { slug } = parseParams(courseParams, req.params);
  const query = parseQuery(learnerQuery, req.query);
  const result = await getLearnerRows(actorOf(req), slug, query, optionsFor(req));
  if (result.state !== 'ready') throw new ServiceUnavailable('reports.preparing.body');
  const { t } = pageContext(res);
  const labels = profileLabelsOf(result.snapshot.summary, t);
  const yesNo: [string, string] = [t('reports.learners.yes'), t('reports.learners.no')];
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${slug}-learners.csv"`,
    'Cache-Control': 'no-store',
  });
  // Streamed about 64 KB at a time (pipeline handles back-pressure), so a course of any size never sits in memory.
  async function* lines(rows: AsyncGenerator<LearnerRow>) {
    let buffer = CSV_BOM + csvLine(learnersHeader(t));
    for await (const row of rows) {
      buffer += csvLine(learnerCells(row, labels, yesNo));
      if (buffer.length > 64 * 1024) {
        yield buffer;
        buffer = '';
      }
    }
    yield buffer;
  }
  await pipeline(Readable.from(lines(result.rows)), res);
});

reportsRouter.get('/reports/courses/:slug/learners/:id', async (req, res) => {
  const { slug, id } = parseParams(learnerParams, req.params);
  const result = await getLearnerDetail(actorOf(req), slug, id, optionsFor(req));
  if (result.state !== 'ready') return renderPreparing(res);
  res.render('reports/learner', buildLearnerView({ ...pageContext(res), ...result, summary: result.snapshot.summary }));
});

for (const [name, build] of [
  ['modules', learnerModulesTable],
  ['attempts', learnerAttemptsTable],
] as const) {
  reportsRouter.get(`/reports/courses/:slug/learners/:id/${name}.csv`, async (req, res) => {
    const { slug, id } = parseParams(learnerParams, req.params);
    const result = await getLearnerDetail(actorOf(req), slug, id, optionsFor(req));
    if (result.state !== 'ready') throw new ServiceUnavailable('reports.preparing.body');
    const { lang, t } = pageContext(res);
    sendCsv(res, `${slug}-learner-${id}-${name}.csv`, build(result.detail, result.snapshot.summary, lang, t));
  });
}
