import type { CatalogueEntry } from '../courses/courses.service';

/** `percent` is set only for a course the signed-in learner is enrolled in. */
export type CourseCardView = {
  href: string;
  title: string;
  summary: string;
  level: string;
  minutes: number;
  moduleCount: number;
  percent?: number;
};

/** View model for the catalogue: texts in the reader's language, links that keep it. */
export function buildCatalogueView(courses: CatalogueEntry[], lang: 'en' | 'zh', progress: Map<string, number> = new Map()) {
  const cards: CourseCardView[] = courses.map((course) => ({
    href: `/courses/${encodeURIComponent(course.slug)}`,
    title: course.title[lang],
    summary: course.summary[lang],
    level: course.level,
    minutes: course.minutes,
    moduleCount: course.moduleCount,
    ...(progress.has(course.slug) ? { percent: progress.get(course.slug) } : {}),
  }));
  return { courses: cards };
}
