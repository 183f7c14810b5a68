import { groupOffsets } from './report-compose';
import {
  FUNNEL_STEPS,
  LANGUAGE_KEYS,
  SIZE_KEYS,
  WOMEN_KEYS,
  type FunnelStep,
  type GroupDimension,
  type ReportSummary,
} from './report-types';

/** Enrolment days (UTC day numbers, inclusive); undefined ends are open. */
export type DayRange = { fromDay?: number; toDay?: number };

/** Sums the per-day counts of the cohorts enrolled within the range. */
export function sumDays(summary: ReportSummary, range: DayRange): number[] {
  const width = groupOffsets(summary.regions.length).width;
  const totals = new Array<number>(width).fill(0);
  for (const { day, counts } of summary.days) {
    if ((range.fromDay !== undefined && day < range.fromDay) || (range.toDay !== undefined && day > range.toDay)) continue;
    for (let i = 0; i < width; i += 1) totals[i]! += counts[i] ?? 0;
  }
  return totals;
}

export type Funnel = Record<FunnelStep, number>;

/** Enrolled → started → completed → certified, for learners who enrolled within the range. */
export function funnelOf(totals: number[]): Funnel {
  return Object.fromEntries(FUNNEL_STEPS.map((step, i) => [step, totals[i] ?? 0])) as Funnel;
}

/** `key` is a category code ('micro', 'yes', 'zh-CN'…) or a region name; `unknown` when the profile does not say. */
export type OutcomeGroup = { key: string; isUnknown: boolean; enrolled: number; completed: number };
export type Outcomes = Record<GroupDimension, OutcomeGroup[]>;

/** Enrolled and completed per enterprise size, women-owned, language and region, for the cohorts in the range. */
export function outcomesOf(summary: ReportSummary, totals: number[]): Outcomes {
  const offsets = groupOffsets(summary.regions.length);
  const groups = (offset: number, keys: readonly string[], unknownIndex: number) =>
    keys.map((key, i) => ({
      key,
      isUnknown: i === unknownIndex,
      enrolled: totals[offset + 2 * i] ?? 0,
      completed: totals[offset + 2 * i + 1] ?? 0,
    }));
  const regionKeys = [...summary.regions, 'unknown'];
  return {
    size: groups(offsets.size, SIZE_KEYS, SIZE_KEYS.length - 1),
    women: groups(offsets.women, WOMEN_KEYS, WOMEN_KEYS.length - 1),
    language: groups(offsets.language, LANGUAGE_KEYS, LANGUAGE_KEYS.length - 1),
    // Regions with nobody enrolled in the range are left out (the dictionary covers all time).
    region: groups(offsets.region, regionKeys, summary.regions.length).filter((group) => group.enrolled > 0),
  };
}

/** Share (0-100, one decimal) or null when the base is zero. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

/** Questions answered wrongly by at least this share of first attempts are flagged as a likely content problem. */
export const FLAG_WRONG_SHARE = 0.8;
/** ...provided at least this many learners answered them (fewer is noise). */
export const FLAG_MIN_RESPONSES = 5;

/** The failure rate is of the attempts that were shown the question (a drawn quiz shows each question to some attempts only). */
export function isLikelyContentProblem(question: { shown?: number; responses: number; correct: number }): boolean {
  const shown = question.shown ?? question.responses;
  return shown >= FLAG_MIN_RESPONSES && (shown - question.correct) / shown >= FLAG_WRONG_SHARE;
}
