import { Course, type CourseDoc } from './course.model';

export type CatalogueEntry = Pick<CourseDoc, 'slug' | 'title' | 'summary' | 'level' | 'minutes' | 'moduleCount'>;

/** Published courses for the catalogue, in display order. */
export async function listPublishedCourses(): Promise<CatalogueEntry[]> {
  return Course.find({ isPublished: true }, { slug: 1, title: 1, summary: 1, level: 1, minutes: 1, moduleCount: 1, _id: 0 })
    .sort({ sortOrder: 1, slug: 1 })
    .lean<CatalogueEntry[]>();
}
