import type { Bilingual, CourseSettings, ModuleContent, QuestionType, QuizOption } from '../courses/course-types';
import type { StoredGlossaryEntry, StoredReference } from '../courses/course-version.model';

/**
 * A course being edited, in the shape of its courses/ folder: the fields of course.yaml, then each module's two
 * Markdown files (front matter + body) and its quiz, then the files of assets/. Values may be incomplete or wrong
 * (a draft is work in progress); the course validator says what, and publishing needs it to say nothing.
 */
export type DraftMeta = CourseSettings & {
  references: StoredReference[];
  glossary: StoredGlossaryEntry[];
};

export type DraftQuestion = {
  id: string;
  type: QuestionType;
  prompt: Bilingual;
  options: QuizOption[];
  /** Option ids for single and multiple, a boolean for truefalse; absent while not chosen yet. */
  answer?: string[] | boolean;
  explanation: Bilingual;
  reference: string;
  section?: string;
};

export type DraftModule = ModuleContent & { quiz?: { draw?: number; questions: DraftQuestion[] } };

/** A file of assets/: bytes are in upload storage (`storageKey`) or, once published, in courseAssets by hash. */
export type DraftAsset = { name: string; sha256: string; size: number; contentType: string; storageKey?: string };

export type DraftContent = { meta: DraftMeta; modules: DraftModule[]; assets: DraftAsset[] };

/** A validator problem placed next to the form field it is about. `scope` is `course`, `module:<slug>` or `question:<slug>:<n>`. */
export type DraftProblem = { scope: string; field: string; message: string; line?: number };
