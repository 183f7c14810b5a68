import { settingsOf, type LoadedCourse } from '../courses/course-types';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { contentTypeForName } from '../uploads/file-types';
import type { DraftAsset, DraftContent, DraftMeta, DraftModule, DraftQuestion } from './draft-types';

type ModuleLike = Omit<DraftModule, 'quiz'> & { quiz?: { draw?: number; questions: DraftQuestion[] } };

function copyModule(module: ModuleLike): DraftModule {
  return {
    slug: module.slug,
    order: module.order,
    minutes: module.minutes,
    references: [...module.references],
    title: { ...module.title },
    objectives: { en: [...module.objectives.en], zh: [...module.objectives.zh] },
    markdown: { ...module.markdown },
    ...(module.quiz?.questions.length
      ? { quiz: { ...(module.quiz.draw ? { draw: module.quiz.draw } : {}), questions: structuredClone(module.quiz.questions) } }
      : {}),
  };
}

/** The draft a live version starts: the same content, field for field. */
export function draftFromVersion(version: CourseVersionDoc): DraftContent {
  const meta: DraftMeta = {
    ...settingsOf(version),
    references: version.references.map(({ id, title, url }) => (url ? { id, title, url } : { id, title })),
    glossary: version.glossary.map(({ id, term, definition }) => ({ id, term, definition })),
  };
  return {
    meta: structuredClone(meta),
    modules: version.modules.map((module) => copyModule(module)),
    assets: version.assets.map(({ name, sha256, size }) => ({ name, sha256, size, contentType: contentTypeForName(name) })),
  };
}

/** The draft a validated course folder (an imported zip) becomes; asset bytes are wherever `assets` says. */
export function draftFromLoaded(course: LoadedCourse, assets: DraftAsset[]): DraftContent {
  return {
    meta: structuredClone({
      ...settingsOf(course),
      references: Object.entries(course.references).map(([id, ref]) =>
        ref.url ? { id, title: ref.title, url: ref.url } : { id, title: ref.title },
      ),
      glossary: Object.entries(course.glossary).map(([id, entry]) => ({ id, term: entry.term, definition: entry.definition })),
    }),
    modules: course.modules.map((module) => copyModule(module)),
    assets,
  };
}

/** A new course: empty texts and one first module, for the validator to point at what is missing. */
export function blankDraft(title: { en: string; zh: string }): DraftContent {
  const empty = { en: '', zh: '' };
  return {
    meta: {
      title,
      summary: { ...empty },
      audience: { ...empty },
      level: 'beginner',
      minutes: 30,
      outcomes: [],
      passMark: 70,
      maxQuizAttempts: 0,
      completion: 'modules-and-quizzes',
      certificate: { ...empty },
      references: [],
      glossary: [],
    },
    modules: [],
    assets: [],
  };
}
