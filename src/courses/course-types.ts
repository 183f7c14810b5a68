import type { Bilingual } from './course.model';

export type { Bilingual };

/** One thing wrong with course content; `file` is relative to the working directory, `line` counts from 1. */
export type Problem = { file: string; line: number; message: string };

export type Lang = 'en' | 'zh';
export const langs: readonly Lang[] = ['en', 'zh'];

export type Level = 'beginner' | 'intermediate' | 'advanced';
export const levels: readonly Level[] = ['beginner', 'intermediate', 'advanced'];

export type CompletionRule = 'modules-and-quizzes' | 'modules-only';
export const completionRules: readonly CompletionRule[] = ['modules-and-quizzes', 'modules-only'];

/** When a learner sees correct answers and explanations: once the quiz is passed or out of attempts, or always. */
export type ReviewPolicy = 'after-pass' | 'always';
export const reviewPolicies: readonly ReviewPolicy[] = ['after-pass', 'always'];

/** Whether the wait before a retake starts after the first failed attempt or only from the second. */
export type RetakeWaitFrom = 'first-failure' | 'second-failure';
export const retakeWaitFroms: readonly RetakeWaitFrom[] = ['first-failure', 'second-failure'];

/** The assessment settings of course.yaml that are optional; absent means the default (see quiz-rules.ts). */
export type AssessmentSettings = { review?: ReviewPolicy; retakeAfterMinutes?: number; retakeWaitFrom?: RetakeWaitFrom };

export type QuestionType = 'single' | 'multiple' | 'truefalse';
export const questionTypes: readonly QuestionType[] = ['single', 'multiple', 'truefalse'];

/** `fixed` keeps the option in its written place when the others are shuffled ("all of the above"). */
export type QuizOption = { id: string; text: Bilingual; feedback?: Bilingual; fixed?: boolean };

export type QuizQuestion = {
  id: string;
  type: QuestionType;
  prompt: Bilingual;
  /** Empty for truefalse questions. */
  options: QuizOption[];
  /** Option ids for single (always one) and multiple; a boolean for truefalse. */
  answer: string[] | boolean;
  explanation: Bilingual;
  reference: string;
  /** Slug of the English `##` heading of the module that teaches it: a failed attempt's hint links there. */
  section?: string;
};

/** `draw`: how many questions one attempt asks, drawn at random from `questions` (the pool); absent = all. */
export type Quiz = { draw?: number; questions: QuizQuestion[] };

export type Reference = { title: string; url?: string };
export type GlossaryEntry = { term: Bilingual; definition: Bilingual };

/** A module's texts and settings, as its two Markdown files hold them; a loaded, stored or draft module adds to it. */
export type ModuleContent = {
  /** Identity of the module (learner progress is keyed by it): the file name without number and language. */
  slug: string;
  order: number;
  minutes: number;
  references: string[];
  title: Bilingual;
  objectives: { en: string[]; zh: string[] };
  /** Module body without its front matter. */
  markdown: { en: string; zh: string };
};

export type LoadedModule = ModuleContent & { quiz?: Quiz; contentHash: string };

export type CourseAsset = { name: string; sha256: string; size: number };

/**
 * The course-wide settings of course.yaml: the one definition that a loaded course, a stored version and a draft
 * share (each adds its own form of the references, glossary and modules).
 */
export type CourseSettings = AssessmentSettings & {
  title: Bilingual;
  summary: Bilingual;
  audience: Bilingual;
  level: Level;
  minutes: number;
  outcomes: Bilingual[];
  passMark: number;
  maxQuizAttempts: number;
  completion: CompletionRule;
  certificate: Bilingual;
};

/** Every key of CourseSettings, for code that walks them; the check below fails to compile if one is missing. */
export const courseSettingKeys = [
  'title',
  'summary',
  'audience',
  'level',
  'minutes',
  'outcomes',
  'passMark',
  'maxQuizAttempts',
  'completion',
  'certificate',
  'review',
  'retakeAfterMinutes',
  'retakeWaitFrom',
] as const satisfies readonly (keyof CourseSettings)[];
type UnlistedSettingKey = Exclude<keyof CourseSettings, (typeof courseSettingKeys)[number]>;
export const everySettingListed: [UnlistedSettingKey] extends [never] ? true : never = true;

/** The settings of a course, version or draft, without the optional ones that are not set. */
export function settingsOf(from: CourseSettings): CourseSettings {
  const picked = Object.fromEntries(courseSettingKeys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));
  return picked as CourseSettings;
}

export type LoadedCourse = CourseSettings & {
  slug: string;
  /** Absolute path of the course folder. */
  dir: string;
  references: Record<string, Reference>;
  glossary: Record<string, GlossaryEntry>;
  /** Sorted by `order`. */
  modules: LoadedModule[];
  /** Sorted by name; names are relative to the course's assets/ folder, with `/` separators. */
  assets: CourseAsset[];
  contentHash: string;
};

/** The outcome of loading one course folder: `course` is present only when `problems` is empty. */
export type LoadResult = { slug: string; dir: string; course?: LoadedCourse; problems: Problem[]; warnings?: Problem[] };

/**
 * What module checks need to know about the rest of the course. Id sets are undefined when course.yaml could not be
 * read, so that one broken file does not also flag every id in every module as unknown.
 */
export type ValidationContext = {
  referenceIds?: ReadonlySet<string>;
  glossaryIds?: ReadonlySet<string>;
  assetNames: ReadonlySet<string>;
  /** Question id → `file:line` where it was first seen; question ids are unique across the course. */
  questionIds: Map<string, string>;
  /**
   * Problems that do not stop an existing course from being imported (a quiz pool smaller than twice its draw);
   * a course that does not exist yet is held to them (see course-files.ts).
   */
  warnings: Problem[];
};
