import { listPublishedCourses, type CatalogueEntry } from '../courses/courses.service';
import type { ReadinessCheck } from '../readiness/readiness-types';
import { readinessSuggestion, type PendingResult } from '../readiness/readiness.service';
import { listEnrolledCourses, type EnrolledCourse } from './learning.service';

export type DashboardCourse = EnrolledCourse;

/** What the learner's readiness check suggests; `undefined` when it was not needed (a course is in progress). */
export type ReadinessHint = { hasResult: boolean; courses: string[] };

/**
 * The learner's enrolled courses with their state, split into in progress and completed, and the catalogue. The
 * readiness result is read only when there is no course in progress, since only then does it choose the next step
 * (the dashboard stays at its usual round trips for learners who are studying).
 */
export async function getDashboard(
  learnerId: string,
  readiness: { check?: ReadinessCheck; pending?: PendingResult } = {},
): Promise<{ inProgress: DashboardCourse[]; completed: DashboardCourse[]; catalogue: CatalogueEntry[]; readiness?: ReadinessHint }> {
  const [rows, catalogue] = await Promise.all([listEnrolledCourses(learnerId), listPublishedCourses()]);
  const inProgress = rows.filter((row) => !row.enrolment.completedAt);
  const hint =
    inProgress.length === 0 && readiness.check ? await readinessSuggestion(readiness.check, learnerId, readiness.pending) : undefined;
  return {
    inProgress,
    completed: rows.filter((row) => row.enrolment.completedAt),
    catalogue,
    ...(hint ? { readiness: hint } : {}),
  };
}
