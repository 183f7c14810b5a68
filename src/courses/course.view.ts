import type { CourseVersionDoc, StoredModule } from './course-version.model';
import type { Lang } from './course-types';
import { renderModuleHtml } from './markdown';
import { sectionIdsOf } from './section-anchors';
import { buildModuleNav } from './module-nav.view';
import type { LearnerCourseState } from '../learning/learning.service';

const courseHref = (slug: string) => `/courses/${encodeURIComponent(slug)}`;
const moduleHref = (slug: string, module: string) => `${courseHref(slug)}/modules/${encodeURIComponent(module)}`;

export type ModuleLinkView = { slug: string; href: string; title: string; minutes: number; order: number; hasQuiz: boolean };

function moduleLink(course: CourseVersionDoc, module: StoredModule, lang: Lang): ModuleLinkView {
  return {
    slug: module.slug,
    href: moduleHref(course.courseSlug, module.slug),
    title: module.title[lang],
    minutes: module.minutes,
    order: module.order,
    hasQuiz: Boolean(module.quiz?.questions.length),
  };
}

/** View model of the course page: texts in the reader's language and the module list. */
function learnerView(course: CourseVersionDoc, state: LearnerCourseState) {
  return {
    isEnrolled: state.isEnrolled,
    percent: state.percent,
    isComplete: state.isComplete,
    continueHref: state.continueModule ? moduleHref(course.courseSlug, state.continueModule) : undefined,
  };
}

export function buildCourseView(course: CourseVersionDoc, lang: Lang, state: LearnerCourseState) {
  const quizCount = course.modules.filter((module) => module.quiz?.questions.length).length;
  return {
    title: course.title[lang],
    course: {
      slug: course.courseSlug,
      href: courseHref(course.courseSlug),
      title: course.title[lang],
      summary: course.summary[lang],
      audience: course.audience[lang],
      level: course.level,
      minutes: course.minutes,
      version: course.version,
      passMark: course.passMark,
      completion: course.completion,
      quizCount,
      outcomes: course.outcomes.map((outcome) => outcome[lang]),
      modules: course.modules.map((module) => ({
        ...moduleLink(course, module, lang),
        state: state.moduleStates[module.slug] ?? 'not-started',
      })),
      enrolAction: `${courseHref(course.courseSlug)}/enrol`,
      firstModuleHref: course.modules[0] ? moduleHref(course.courseSlug, course.modules[0].slug) : undefined,
    },
    learner: learnerView(course, state),
  };
}

/** View model of a module page, or undefined when the course has no module with that slug. */
export function buildModuleView(course: CourseVersionDoc, moduleSlug: string, lang: Lang, state: LearnerCourseState) {
  const index = course.modules.findIndex((module) => module.slug === moduleSlug);
  const module = course.modules[index];
  if (!module) return undefined;
  const glossary = Object.fromEntries(course.glossary.map(({ id, term, definition }) => [id, { term, definition }]));
  const references = module.references.map((id) => course.references.find((ref) => ref.id === id)).filter((ref) => ref !== undefined);
  const previous = course.modules[index - 1];
  const next = course.modules[index + 1];
  return {
    title: `${module.title[lang]} · ${course.title[lang]}`,
    course: { slug: course.courseSlug, href: courseHref(course.courseSlug), title: course.title[lang] },
    module: {
      ...moduleLink(course, module, lang),
      position: index + 1,
      total: course.modules.length,
      objectives: module.objectives[lang],
      html: renderModuleHtml(module.markdown[lang], {
        lang,
        courseSlug: course.courseSlug,
        glossary,
        references,
        sectionIds: sectionIdsOf(module),
      }),
      quizHref: module.quiz?.questions.length ? `${moduleHref(course.courseSlug, module.slug)}/quiz` : undefined,
      completeAction: `${moduleHref(course.courseSlug, module.slug)}/complete`,
      timeAction: `${moduleHref(course.courseSlug, module.slug)}/time`,
      isCompleted: state.completedModules.has(module.slug),
      isQuizPassed: state.passedQuizzes.has(module.slug),
    },
    learner: learnerView(course, state),
    moduleNav: buildModuleNav(course, module.slug, lang, state),
    previous: previous ? moduleLink(course, previous, lang) : undefined,
    next: next ? moduleLink(course, next, lang) : undefined,
  };
}
