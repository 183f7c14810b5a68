import type { Bilingual } from '../courses/course.model';
import type { QuestionType } from '../courses/course-types';

/**
 * Shapes of a course report snapshot. Reports are read from precomputed, immutable snapshot parts (see
 * report-store.ts for why): the summary holds every aggregate figure, learner rows live in small chunks.
 * Category codes are array indexes so that parts stay compact; "unknown" (not stated in the profile) is the last.
 */
export const SIZE_KEYS = ['micro', 'small', 'medium', 'large', 'unknown'] as const;
export const WOMEN_KEYS = ['yes', 'no', 'unknown'] as const;
export const LANGUAGE_KEYS = ['en', 'zh-CN', 'unknown'] as const;
export type SizeKey = (typeof SIZE_KEYS)[number];
export type WomenKey = (typeof WOMEN_KEYS)[number];
export type LanguageKey = (typeof LANGUAGE_KEYS)[number];

/**
 * How a snapshot splits the learners into parts: rows per chunk of the name-sorted table, email keys per chunk of
 * the email index, learners per detail bucket. Small parts keep each read cheap (FerretDB decodes about 10 KB per
 * millisecond here); tests use tiny ones to cross chunk boundaries. Stored in the summary, so a snapshot is always
 * read with the layout it was written with.
 */
export type SnapshotLayout = { rowChunk: number; emailChunk: number; detailBucket: number };
export const DEFAULT_LAYOUT: SnapshotLayout = { rowChunk: 250, emailChunk: 1000, detailBucket: 250 };

export type ModuleStat = {
  slug: string;
  title: Bilingual;
  /** Learners with a visit or a completion of this module. */
  started: number;
  completed: number;
  /** Learners with recorded reading time on this module, and the median of their totals. */
  timedLearners: number;
  medianSeconds: number | null;
};

export type QuestionStat = {
  moduleSlug: string;
  questionId: string;
  type: QuestionType;
  prompt: Bilingual;
  /** First attempts only: later attempts come after the learner saw the feedback. Attempts whose draw showed it. */
  shown?: number;
  /** Of those, attempts that answered it (snapshots built before draws have only this: read `shown ?? responses`). */
  responses: number;
  correct: number;
  topWrong?: { id: string; label: Bilingual; count: number };
};

/**
 * Per enrolment day (UTC), the counts of that day's cohort: funnel first, then [enrolled, completed] per group.
 * Layout of `counts`: FUNNEL_WIDTH funnel numbers, then for each dimension in GROUP_DIMENSIONS order, two numbers
 * per value (sizes, women-owned, languages, then regions with "not stated" last).
 */
export const FUNNEL_STEPS = ['enrolled', 'started', 'completed', 'certified'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];
export const FUNNEL_WIDTH = FUNNEL_STEPS.length;
export const GROUP_DIMENSIONS = ['size', 'women', 'language', 'region'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

export type DayCounts = { day: number; counts: number[] };

export type ReportSummary = {
  courseSlug: string;
  title: Bilingual;
  courseVersion: number;
  builtAt: number;
  learnerCount: number;
  modules: ModuleStat[];
  questions: QuestionStat[];
  /** Region names seen in profiles, most frequent first; index = region code, regions.length = not stated. */
  regions: string[];
  days: DayCounts[];
  /** First normalised name key of each row chunk, and first email key of each email chunk (for prefix search). */
  nameChunkKeys: string[];
  emailChunkKeys: string[];
  detailBuckets: number;
  layout: SnapshotLayout;
};

/** One learner of the course, as the table and the CSV show them. */
export type LearnerRow = {
  id: string;
  name: string;
  email: string;
  size: number;
  women: number;
  region: number;
  language: number;
  enrolledAt: number;
  completedAt: number | null;
  isCertified: boolean;
  modulesStarted: number;
  modulesCompleted: number;
  seconds: number;
};

type EncodedRow = [string, string, string, number, number, number, number, number, number, number, number, number, number];

export function encodeRow(row: LearnerRow): EncodedRow {
  return [
    row.id,
    row.name,
    row.email,
    row.size,
    row.women,
    row.region,
    row.language,
    row.enrolledAt,
    row.completedAt ?? 0,
    row.isCertified ? 1 : 0,
    row.modulesStarted,
    row.modulesCompleted,
    row.seconds,
  ];
}

export function decodeRow(value: EncodedRow): LearnerRow {
  const [id, name, email, size, women, region, language, enrolledAt, completedAt, certified, modulesStarted, modulesCompleted, seconds] =
    value;
  return {
    id,
    name,
    email,
    size,
    women,
    region,
    language,
    enrolledAt,
    completedAt: completedAt || null,
    isCertified: certified === 1,
    modulesStarted,
    modulesCompleted,
    seconds,
  };
}

/** Module index (in summary.modules), first visit, completion (0 = none), total seconds, page views. */
export type ModuleActivity = [number, number, number, number, number];
/** Module index, attempt number, score, passed (1/0), submitted at. */
export type AttemptRecord = [number, number, number, number, number];
export type LearnerDetail = { row: LearnerRow; modules: ModuleActivity[]; attempts: AttemptRecord[] };
export type EncodedDetail = [EncodedRow, ModuleActivity[], AttemptRecord[]];

/** The key prefix search compares: Unicode-normalised, lower case, single spaces. Builder and queries must agree. */
export function searchKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Which detail bucket holds a learner: the low 32 bits of the ObjectId spread evenly (its counter). */
export function detailBucketOf(learnerId: string, buckets: number): number {
  return buckets > 0 ? parseInt(learnerId.slice(-8), 16) % buckets : 0;
}

export const DAY_MS = 24 * 3600 * 1000;
export const dayOf = (time: number) => Math.floor(time / DAY_MS);

/** Packs the table filters of one learner into a byte: size (0-4), women-owned (0-2), completed (0-1). */
export const packFilters = (size: number, women: number, isCompleted: boolean) => (size * 3 + women) * 2 + (isCompleted ? 1 : 0);
export const unpackFilters = (code: number) => ({
  size: Math.floor(code / 6),
  women: Math.floor(code / 2) % 3,
  isCompleted: code % 2 === 1,
});
