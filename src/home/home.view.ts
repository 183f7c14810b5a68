import type { CatalogueEntry } from '../courses/courses.service';

export type CourseCardView = { href: string; title: string; summary: string; level: string; minutes: number; moduleCount: number };

/** View model for the catalogue: texts in the reader's language, links that keep it. */
export function buildCatalogueView(courses: CatalogueEntry[], lang: 'en' | 'zh') {
  const cards: CourseCardView[] = courses.map((course) => ({
    href: `/courses/${encodeURIComponent(course.slug)}`,
    title: course.title[lang],
    summary: course.summary[lang],
    level: course.level,
    minutes: course.minutes,
    moduleCount: course.moduleCount,
  }));
  return { courses: cards };
}
