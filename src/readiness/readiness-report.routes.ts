import { Router, type Request } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import { assertCanManageCourse, managedCourseSlugs, type Actor } from '../access/course-access';
import type { Lang } from '../courses/course-types';
import { listPublishedCourses } from '../courses/courses.service';
import { BadRequest, ServiceUnavailable } from '../http/errors';
import type { Translate } from '../i18n/i18n';
import { cohortMembersFor } from '../cohorts/cohort-reports';
import { listCohorts } from '../cohorts/cohorts.service';
import { csvDocument } from '../reports/report-csv';
import { groupLabel, type Table } from '../reports/report-tables';
import { readinessCheckOf } from './readiness-store';
import type { ReadinessCheck } from './readiness-types';
import { enrolledLearnerIds, readinessDistribution, type ReadinessDistribution } from './readiness-report.service';
import { pageContext } from '../http/request';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One table for page and CSV: a row per group, learners, learners per level, then the average score per area. */
export function readinessTable(distribution: ReadinessDistribution, check: ReadinessCheck, lang: Lang, t: Translate): Table {
  return {
    header: [
      t('readiness.report.dimension'),
      t('readiness.report.group'),
      t('readiness.report.learners'),
      ...check.levels.map((level) => level.label[lang]),
      ...check.areas.map((area) => t('readiness.report.areaAverage', { area: area.title[lang] })),
    ],
    rows: distribution.groups.map((group) => [
      group.dimension === 'all' ? t('readiness.report.all') : t(`reports.dimension.${group.dimension}`),
      group.dimension === 'all' ? t('readiness.report.everyone') : groupLabel(group.dimension, group.key, group.isUnknown, t),
      group.learners,
      ...check.levels.map((level) => group.levels[level.id] ?? 0),
      ...check.areas.map((area) => group.areaAverages[area.id] ?? null),
    ]),
  };
}

type Selection = {
  course?: string;
  courses: { slug: string; title: string }[];
  /** A cohort's members instead of a course's (cohorts the reader manages: their own, all for admins). */
  cohort?: string;
  cohorts: { id: string; name: string }[];
  learnerIds?: string[];
  needsCourse: boolean;
};

/** Admins see every learner or one course's; trainers one of the courses they manage (403 for any other). */
async function selectionFor(req: Request, lang: Lang): Promise<Selection> {
  const actor: Actor = { id: req.user!.id, role: req.user!.role };
  const raw = req.query.course;
  if (raw !== undefined && (typeof raw !== 'string' || (raw !== '' && !SLUG.test(raw)))) throw new BadRequest();
  const course = raw || undefined;
  const managed = await managedCourseSlugs(actor);
  const courses = (await listPublishedCourses())
    .filter((entry) => !managed || managed.includes(entry.slug))
    .map((entry) => ({ slug: entry.slug, title: entry.title[lang] }));
  const cohorts = (await listCohorts(actor)).map((cohort) => ({ id: String(cohort._id), name: cohort.name }));
  const cohort = req.query.cohort;
  if (cohort !== undefined && (typeof cohort !== 'string' || (cohort !== '' && !/^[0-9a-f]{24}$/.test(cohort)))) throw new BadRequest();
  if (cohort) {
    const { memberIds } = await cohortMembersFor(actor, cohort);
    return { cohort, cohorts, courses, learnerIds: memberIds, needsCourse: false };
  }
  if (course) {
    await assertCanManageCourse(actor, course);
    return { course, courses, cohorts, learnerIds: await enrolledLearnerIds(course), needsCourse: false };
  }
  return { courses, cohorts, needsCourse: actor.role !== 'admin' };
}

async function requireCheck(req: Request): Promise<ReadinessCheck> {
  const check = await readinessCheckOf(req.app);
  if (!check) throw new ServiceUnavailable('readiness.unavailable');
  return check;
}

/** GET /reports/readiness (+ .csv): trainers and admins. */
export function readinessReportRouter(): Router {
  const router = Router();
  const staffOnly = requireRole('trainer', 'admin');

  router.get('/reports/readiness.csv', staffOnly, async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t } = pageContext(res);
    const selection = await selectionFor(req, lang);
    if (selection.needsCourse) throw new BadRequest('readiness.report.chooseCourse');
    const table = readinessTable(await readinessDistribution({ learnerIds: selection.learnerIds }), check, lang, t);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="readiness${selection.course ? `-${selection.course}` : ''}${selection.cohort ? `-cohort-${selection.cohort}` : ''}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(csvDocument(table.header, table.rows));
  });

  router.get('/reports/readiness', staffOnly, async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t } = pageContext(res);
    const selection = await selectionFor(req, lang);
    res.set('Cache-Control', 'no-store');
    const distribution = selection.needsCourse ? undefined : await readinessDistribution({ learnerIds: selection.learnerIds });
    const table = distribution ? readinessTable(distribution, check, lang, t) : undefined;
    res.render('readiness/report', {
      title: t('readiness.report.title'),
      courses: selection.courses,
      course: selection.course ?? '',
      cohorts: selection.cohorts,
      cohort: selection.cohort ?? '',
      isAdmin: req.user!.role === 'admin',
      needsCourse: selection.needsCourse,
      learners: distribution?.learners ?? 0,
      table: table && {
        header: table.header,
        rows: table.rows.map((row) => row.map((cell) => ({ text: cell === null || cell === undefined ? '–' : String(cell) }))),
      },
      csvHref: selection.cohort
        ? `/reports/readiness.csv?cohort=${selection.cohort}`
        : `/reports/readiness.csv${selection.course ? `?course=${encodeURIComponent(selection.course)}` : ''}`,
    });
  });

  return router;
}
