import type { Bilingual } from '../courses/course-types';

/** The readiness check as loaded from courses/readiness.yaml (format: docs/readiness.md). */
export type ReadinessArea = { id: string; title: Bilingual };

/** A level holds when the overall score and every area's score reach its thresholds (percentages). */
export type ReadinessLevel = {
  id: string;
  label: Bilingual;
  summary: Bilingual;
  overallAtLeast: number;
  everyAreaAtLeast: number;
  line: number;
};

/** `notApplicable` options take the question out of its area's score (e.g. "we sell services only"). */
export type ReadinessOption = { id: string; text: Bilingual; points: number; notApplicable: boolean; line: number };

export type ModuleLink = { courseSlug: string; moduleSlug?: string };

export type ReadinessReference = { title: string; url?: string };

export type ReadinessQuestion = {
  id: string;
  area: string;
  prompt: Bilingual;
  options: ReadinessOption[];
  advice?: Bilingual;
  modules: ModuleLink[];
  references: string[];
  maxPoints: number;
  line: number;
};

export type ReadinessCheck = {
  file: string;
  /** Content hash of the file, stored with each result so a score can be traced to the questions it answered. */
  hash: string;
  areas: ReadinessArea[];
  levels: ReadinessLevel[];
  references: Record<string, ReadinessReference>;
  questions: ReadinessQuestion[];
};

/** Answers by question id: an option id. */
export type ReadinessAnswers = Record<string, string>;

export type AreaScore = { area: string; points: number; max: number; percent: number | null };

export type ReadinessGap = { questionId: string; area: string; advice: Bilingual; modules: ModuleLink[]; references: string[] };

export type ReadinessScore = { areas: AreaScore[]; overall: number; level: string; gaps: ReadinessGap[] };
