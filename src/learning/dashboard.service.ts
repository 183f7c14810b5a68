import { listPublishedCourses, type CatalogueEntry } from '../courses/courses.service';
import { listEnrolledCourses, type EnrolledCourse } from './learning.service';

export type DashboardCourse = EnrolledCourse;

/** The learner's enrolled courses with their state, split into in progress and completed, and the catalogue. */
export async function getDashboard(
  learnerId: string,
): Promise<{ inProgress: DashboardCourse[]; completed: DashboardCourse[]; catalogue: CatalogueEntry[] }> {
  const [rows, catalogue] = await Promise.all([listEnrolledCourses(learnerId), listPublishedCourses()]);
  return {
    inProgress: rows.filter((row) => !row.enrolment.completedAt),
    completed: rows.filter((row) => row.enrolment.completedAt),
    catalogue,
  };
}
