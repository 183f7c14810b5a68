import { getLiveCourse, listPublishedCourses, type CatalogueEntry } from '../courses/courses.service';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { getLearnerCourseState, listEnrolments, type LearnerCourseState } from './learning.service';
import type { EnrolmentDoc } from './enrolment.model';

export type DashboardCourse = { course: CourseVersionDoc; enrolment: EnrolmentDoc; state: LearnerCourseState };

/** The learner's enrolled courses with their state, split into in progress and completed, and the catalogue. */
export async function getDashboard(learnerId: string): Promise<{ inProgress: DashboardCourse[]; completed: DashboardCourse[]; catalogue: CatalogueEntry[] }> {
  const [enrolments, catalogue] = await Promise.all([listEnrolments(learnerId), listPublishedCourses()]);
  const rows: DashboardCourse[] = [];
  for (const enrolment of enrolments) {
    const course = await getLiveCourse(enrolment.courseSlug);
    if (!course) continue;
    rows.push({ course, enrolment, state: await getLearnerCourseState(learnerId, course) });
  }
  return {
    inProgress: rows.filter((row) => !row.enrolment.completedAt),
    completed: rows.filter((row) => row.enrolment.completedAt),
    catalogue,
  };
}
