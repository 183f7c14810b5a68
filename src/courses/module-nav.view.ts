import type { CourseVersionDoc } from './course-version.model';
import type { Lang } from './course-types';
import type { LearnerCourseState, ModuleState } from '../learning/learning.service';

export type ModuleNavItem = {
  slug: string;
  href: string;
  title: string;
  isCurrent: boolean;
  /** Undefined for someone not enrolled: they have no progress to show. */
  state?: ModuleState;
  isQuizPassed: boolean;
};

export type ModuleNavView = { items: ModuleNavItem[]; isEnrolled: boolean; completed: number; total: number };

/**
 * The course's module list beside a module page, with each module's state, from the learner state the page already
 * read (no database access). The module being opened counts as started: this request records that visit.
 */
export function buildModuleNav(course: CourseVersionDoc, currentSlug: string, lang: Lang, state: LearnerCourseState): ModuleNavView {
  const items = course.modules.map((module): ModuleNavItem => {
    const isCurrent = module.slug === currentSlug;
    const recorded = state.moduleStates[module.slug] ?? 'not-started';
    return {
      slug: module.slug,
      href: `/courses/${encodeURIComponent(course.courseSlug)}/modules/${encodeURIComponent(module.slug)}`,
      title: module.title[lang],
      isCurrent,
      state: state.isEnrolled ? (isCurrent && recorded === 'not-started' ? 'in-progress' : recorded) : undefined,
      isQuizPassed: state.passedQuizzes.has(module.slug),
    };
  });
  return {
    items,
    isEnrolled: state.isEnrolled,
    completed: items.filter((item) => item.state === 'completed').length,
    total: items.length,
  };
}
