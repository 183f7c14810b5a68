import { listPublishedCourses } from '../courses/courses.service';
import { listEnrolledCourses } from '../learning/learning.service';
import type { CatalogueEntry } from '../courses/courses.service';

/** The catalogue, with the signed-in learner's progress (percent) on each course they are enrolled in. */
export async function getCatalogue(learnerId: string | undefined): Promise<{ courses: CatalogueEntry[]; progress: Map<string, number> }> {
  const [courses, enrolled] = await Promise.all([listPublishedCourses(), learnerId ? listEnrolledCourses(learnerId) : Promise.resolve([])]);
  return { courses, progress: new Map(enrolled.map((row) => [row.course.courseSlug, row.state.percent])) };
}
