import { Types } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';
import { ReadinessResult, type ReadinessResultDoc } from './readiness-result.model';
import { scoreAnswers, suggestedCourses } from './readiness-score';
import type { ReadinessAnswers, ReadinessCheck, ReadinessScore } from './readiness-types';

/** An attempt not yet stored: an anonymous visitor's, kept in their session until they sign in and save it. */
export type PendingResult = { attemptKey: string; takenAt: number; answers: ReadinessAnswers };

export type StoredResult = Pick<ReadinessResultDoc, 'attemptKey' | 'takenAt' | 'areas' | 'overall' | 'level'> & {
  answers: ReadinessAnswers;
};

const toObjectId = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined);

const answersOf = (rows: { questionId: string; optionId: string }[]): ReadinessAnswers =>
  Object.fromEntries(rows.map((row) => [row.questionId, row.optionId]));

function toStored(doc: ReadinessResultDoc): StoredResult {
  return {
    attemptKey: doc.attemptKey,
    takenAt: doc.takenAt,
    areas: doc.areas,
    overall: doc.overall,
    level: doc.level,
    answers: answersOf(doc.answers),
  };
}

/**
 * Stores one attempt (insert-only). The attempt key is unique per user: a form posted twice, or a pending result
 * saved from two tabs, is stored once, and the second call gets the first's result. One round trip when new.
 */
export async function saveResult(
  userId: string,
  check: ReadinessCheck,
  pending: PendingResult,
): Promise<{ result: StoredResult; isNew: boolean }> {
  const score = scoreAnswers(check, pending.answers);
  const doc: ReadinessResultDoc = {
    userId: new Types.ObjectId(userId),
    attemptKey: pending.attemptKey,
    takenAt: new Date(pending.takenAt),
    fileHash: check.hash,
    answers: Object.entries(pending.answers).map(([questionId, optionId]) => ({ questionId, optionId })),
    areas: score.areas,
    overall: score.overall,
    level: score.level,
  };
  try {
    await ReadinessResult.create(doc);
    return { result: toStored(doc), isNew: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await ReadinessResult.findOne({ userId: doc.userId, attemptKey: doc.attemptKey }).lean<ReadinessResultDoc>();
    return { result: toStored(existing ?? doc), isNew: false };
  }
}

/** A learner's results, newest first. */
export async function resultHistory(userId: string, limit = 20): Promise<StoredResult[]> {
  const id = toObjectId(userId);
  if (!id) return [];
  const rows = await ReadinessResult.find({ userId: id }).sort({ takenAt: -1 }).limit(limit).lean<ReadinessResultDoc[]>();
  return rows.map(toStored);
}

export async function latestResult(userId: string): Promise<StoredResult | undefined> {
  return (await resultHistory(userId, 1))[0];
}

/**
 * Each user's newest result, with the fields `projection` keeps (users without a result are absent). One indexed
 * equality read per user, 25 at a time, rather than one `$in`: FerretDB pushes equality down to its index but
 * evaluates `$in` after a full scan.
 */
export async function newestResultsOf<T>(userIds: string[], projection: Record<string, 0 | 1>): Promise<Map<string, T>> {
  const newest = new Map<string, T>();
  const unique = [...new Set(userIds)].filter((id) => toObjectId(id));
  const BATCH = 25;
  for (let start = 0; start < unique.length; start += BATCH) {
    const batch = unique.slice(start, start + BATCH);
    const rows = await Promise.all(
      batch.map((id) =>
        ReadinessResult.findOne({ userId: new Types.ObjectId(id) }, projection)
          .sort({ takenAt: -1 })
          .lean<T>(),
      ),
    );
    rows.forEach((row, index) => {
      if (row) newest.set(batch[index]!, row);
    });
  }
  return newest;
}

/** Each user's latest level and when it was taken (users without a result are absent). */
export function latestReadinessLevels(userIds: string[]): Promise<Map<string, { level: string; takenAt: Date }>> {
  return newestResultsOf(userIds, { level: 1, takenAt: 1, _id: 0 });
}

/** Progress per area between the two latest attempts (percentage points; null where either did not score it). */
export function progressSince(latest: StoredResult, previous: StoredResult | undefined): Map<string, number | null> {
  const before = new Map(previous?.areas.map((area) => [area.area, area.percent]) ?? []);
  return new Map(
    latest.areas.map((area) => {
      const old = before.get(area.area);
      return [area.area, area.percent === null || old === null || old === undefined ? null : area.percent - old];
    }),
  );
}

/** Rescores stored answers with the current file (gaps and advice follow the file as it is now). */
export function rescore(check: ReadinessCheck, answers: ReadinessAnswers): ReadinessScore {
  return scoreAnswers(check, answers);
}

/**
 * What a learner's readiness suggests: the course slugs linked from the gaps of their weakest areas, from this
 * session's unsaved result (no database read) or else their latest saved one.
 */
export async function readinessSuggestion(
  check: ReadinessCheck,
  userId: string,
  pending?: PendingResult,
): Promise<{ hasResult: boolean; courses: string[] }> {
  const answers = pending?.answers ?? (await latestResult(userId))?.answers;
  return answers ? { hasResult: true, courses: suggestedCourses(scoreAnswers(check, answers)) } : { hasResult: false, courses: [] };
}
