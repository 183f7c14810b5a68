import { getLiveCourse, listPublishedCourses } from '../courses/courses.service';
import { getLearnerCourseState, listEnrolments } from '../learning/learning.service';
import type { CatalogueEntry } from '../courses/courses.service';

/** The catalogue, with the signed-in learner's progress (percent) on each course they are enrolled in. */
export async function getCatalogue(learnerId: string | undefined): Promise<{ courses: CatalogueEntry[]; progress: Map<string, number> }> {
  const [courses, enrolments] = await Promise.all([listPublishedCourses(), learnerId ? listEnrolments(learnerId) : Promise.resolve([])]);
  const progress = new Map<string, number>();
  for (const enrolment of enrolments) {
    const course = await getLiveCourse(enrolment.courseSlug);
    if (course) progress.set(course.courseSlug, (await getLearnerCourseState(learnerId, course)).percent);
  }
  return { courses, progress };
}
