import { readDetailBucket, readHead, readRowChunk, readSummary } from '../../src/reports/report-store';

/** Everything a course's published report snapshot holds, in a form two builds can be compared by. */
export async function snapshotContents(courseSlug: string) {
  const head = await readHead(courseSlug);
  const parts = head!.current!;
  const summary = await readSummary(parts);
  const rows = [];
  for (let chunk = 0; chunk < parts.rowChunks; chunk += 1) rows.push(await readRowChunk(parts, chunk));
  const details = [];
  // A bucket lists its learners in the order the build met them, which is the server's natural order: compare sets.
  const byLearnerId = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  for (let bucket = 0; bucket < parts.detailBuckets; bucket += 1) details.push((await readDetailBucket(parts, bucket)).sort(byLearnerId));
  return { summary: { ...summary, builtAt: 0 }, rows, details, snapshotId: parts.snapshotId };
}
