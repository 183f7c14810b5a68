import { groupOffsets } from './report-compose';
import type { DayRange } from './report-figures';
import { readDetailBucket, type LoadedSnapshot } from './report-store';
import { dayOf, decodeRow, detailBucketOf, type EncodedDetail, type LearnerRow } from './report-types';

/** The rows of the given learners in a course's snapshot: one read per detail bucket they fall in, in parallel. */
export async function rowsOfLearners(snapshot: LoadedSnapshot, learnerIds: string[]): Promise<LearnerRow[]> {
  const buckets = new Map<number, Set<string>>();
  for (const id of learnerIds) {
    const bucket = detailBucketOf(id, snapshot.summary.detailBuckets);
    buckets.set(bucket, (buckets.get(bucket) ?? new Set()).add(id));
  }
  const read = await Promise.all(
    [...buckets].map(async ([bucket, ids]) =>
      ((await readDetailBucket(snapshot.parts, bucket)) as EncodedDetail[])
        .filter(([row]) => ids.has(row[0]))
        .map(([row]) => decodeRow(row)),
    ),
  );
  return read.flat();
}

/**
 * The outcome tallies (enrolled and completed per size, women-owned, language and region) of some learners only, in
 * the layout of the snapshot's day counts, so the report's tables read them as they read the whole course's.
 */
export function outcomeTotalsOf(snapshot: LoadedSnapshot, rows: LearnerRow[], range: DayRange): number[] {
  const offsets = groupOffsets(snapshot.summary.regions.length);
  const totals = new Array<number>(offsets.width).fill(0);
  for (const row of rows) {
    const day = dayOf(row.enrolledAt);
    if ((range.fromDay !== undefined && day < range.fromDay) || (range.toDay !== undefined && day > range.toDay)) continue;
    const isCompleted = row.completedAt !== null ? 1 : 0;
    for (const index of [
      offsets.size + 2 * row.size,
      offsets.women + 2 * row.women,
      offsets.language + 2 * row.language,
      offsets.region + 2 * row.region,
    ]) {
      totals[index]! += 1;
      totals[index + 1]! += isCompleted;
    }
  }
  return totals;
}
