import { assertCanManageCourse, managedCourseSlugs, type Actor } from '../access/course-access';
import { Course, type Bilingual } from '../courses/course.model';
import { Forbidden, NotFound } from '../http/errors';
import { allLearnerRows, findLearnerDetail, findLearnerPage, type LearnerFilters, type LearnerPage } from './learner-table';
import { isRefreshing, loadSnapshot, refreshReports, type SnapshotState } from './report-build';
import { readHead, SnapshotGone, type LoadedSnapshot } from './report-store';
import { SIZE_KEYS, WOMEN_KEYS, type LearnerDetail, type LearnerRow } from './report-types';
import { NO_REGION, type LearnerQuery } from './reports.schemas';

/** How callers wait for a first snapshot, and where errors of background rebuilds go. */
export type ReportOptions = { waitMs: number; maxAgeMs?: number; onBackgroundError: (error: unknown) => void };

export type ReportCourse = { slug: string; title: Bilingual; learnerCount?: number; builtAt?: Date };

/** Courses whose reports the actor may read (assigned courses for trainers, all for admins). */
export async function listReportCourses(actor: Actor): Promise<ReportCourse[]> {
  if (actor.role !== 'trainer' && actor.role !== 'admin') throw new Forbidden();
  const slugs = await managedCourseSlugs(actor);
  const courses = await Course.find(slugs ? { slug: { $in: slugs } } : {}, { slug: 1, title: 1, _id: 0 })
    .sort({ sortOrder: 1, slug: 1 })
    .lean();
  return Promise.all(
    courses.map(async (course) => {
      const head = await readHead(course.slug);
      return { slug: course.slug, title: course.title, learnerCount: head?.current?.learnerCount, builtAt: head?.current?.builtAt };
    }),
  );
}

async function requireReportCourse(actor: Actor, courseSlug: string): Promise<void> {
  await assertCanManageCourse(actor, courseSlug);
  if (!(await Course.exists({ slug: courseSlug }))) throw new NotFound();
}

export type CourseReport = SnapshotState & { isRefreshing: boolean };

/** The snapshot of a course's report, after checking the actor may read it. */
export async function openCourseReport(actor: Actor, courseSlug: string, options: ReportOptions): Promise<CourseReport> {
  await requireReportCourse(actor, courseSlug);
  const state = await loadSnapshot(courseSlug, options);
  return { ...state, isRefreshing: isRefreshing() };
}

/** Starts a rebuild of the report snapshots (in the background; errors go to `onError`). */
export async function requestReportRefresh(actor: Actor, courseSlug: string, onError: (error: unknown) => void): Promise<void> {
  await requireReportCourse(actor, courseSlug);
  refreshReports().catch(onError);
}

/** Table filters as snapshot codes; an unknown region name matches nobody (rather than being ignored). */
export function toLearnerFilters(snapshot: LoadedSnapshot, query: LearnerQuery): LearnerFilters {
  const { regions } = snapshot.summary;
  const regionCode = query.region === undefined ? undefined : query.region === NO_REGION ? regions.length : regions.indexOf(query.region);
  return {
    ...(query.q ? { search: query.q } : {}),
    ...(query.size ? { size: SIZE_KEYS.indexOf(query.size) } : {}),
    ...(query.women ? { women: WOMEN_KEYS.indexOf(query.women) } : {}),
    ...(regionCode !== undefined ? { region: regionCode < 0 ? -1 : regionCode } : {}),
    ...(query.completed ? { isCompleted: query.completed === 'yes' } : {}),
  };
}

type Ready<T> = { state: 'ready'; snapshot: LoadedSnapshot; isStale: boolean; isRefreshing: boolean } & T;
type Preparing = { state: 'preparing' };

/** Reads from the current snapshot; if a rebuild replaced it meanwhile (its parts are gone), reads the new one. */
async function withSnapshot<T>(
  actor: Actor,
  courseSlug: string,
  options: ReportOptions,
  read: (snapshot: LoadedSnapshot) => Promise<T>,
): Promise<Ready<T> | Preparing> {
  for (let attempt = 1; ; attempt += 1) {
    const report = await openCourseReport(actor, courseSlug, options);
    if (report.state !== 'ready') return { state: 'preparing' };
    try {
      return { ...report, ...(await read(report.snapshot)) };
    } catch (error) {
      if (!(error instanceof SnapshotGone) || attempt >= 3) throw error;
    }
  }
}

/** One page of the learner table. */
export function getLearnerPage(actor: Actor, courseSlug: string, query: LearnerQuery, options: ReportOptions) {
  return withSnapshot(
    actor,
    courseSlug,
    options,
    async (snapshot): Promise<{ page: LearnerPage }> => ({
      page: await findLearnerPage(snapshot, toLearnerFilters(snapshot, query), query.page ?? 1),
    }),
  );
}

/** Every learner matching the query, for the CSV export. */
export function getLearnerRows(actor: Actor, courseSlug: string, query: LearnerQuery, options: ReportOptions) {
  return withSnapshot(
    actor,
    courseSlug,
    options,
    async (snapshot): Promise<{ rows: AsyncGenerator<LearnerRow> }> => ({
      rows: allLearnerRows(snapshot, toLearnerFilters(snapshot, query)),
    }),
  );
}

/** One learner's modules, quiz attempts and time in the course; NotFound when they are not enrolled (yet). */
export function getLearnerDetail(actor: Actor, courseSlug: string, learnerId: string, options: ReportOptions) {
  return withSnapshot(actor, courseSlug, options, async (snapshot): Promise<{ detail: LearnerDetail }> => {
    const detail = await findLearnerDetail(snapshot, learnerId);
    if (!detail) throw new NotFound('reports.learner.notFound');
    return { detail };
  });
}
