import type { CourseTally, Profile } from './report-collect';
import {
  DEFAULT_LAYOUT,
  FUNNEL_WIDTH,
  dayOf,
  detailBucketOf,
  encodeRow,
  packFilters,
  searchKey,
  type AttemptRecord,
  type DayCounts,
  type EncodedDetail,
  type LearnerRow,
  type ModuleActivity,
  type ModuleStat,
  type QuestionStat,
  type ReportSummary,
  type SnapshotLayout,
} from './report-types';

/** A snapshot ready to store: the summary, and the other parts as strings. */
export type ComposedSnapshot = {
  summary: ReportSummary;
  codes: string;
  emailOrder: string;
  rowChunks: string[];
  emailChunks: string[];
  detailBuckets: string[];
};

const MISSING_PROFILE: Profile = { name: '', email: '', size: 4, women: 2, language: 2, region: '' };

export const toBase64 = (array: Uint8Array | Uint16Array | Uint32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

/** Offsets of each group's [enrolled, completed] pair in DayCounts.counts. */
export function groupOffsets(regionCount: number) {
  const size = FUNNEL_WIDTH;
  const women = size + 2 * 5;
  const language = women + 2 * 3;
  const region = language + 2 * 3;
  return { size, women, language, region, width: region + 2 * (regionCount + 1) };
}

export function median(values: Float64Array): number | null {
  if (values.length === 0) return null;
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

function regionDictionary(tally: CourseTally, profileOf: (i: number) => Profile): string[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < tally.learnerIds.length; i += 1) {
    const { region } = profileOf(i);
    if (region) counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([region]) => region);
}

function moduleStats(tally: CourseTally): ModuleStat[] {
  const n = tally.learnerIds.length;
  const m = tally.moduleCount;
  return tally.course.modules.map((module, j) => {
    let started = 0;
    let completed = 0;
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const cell = i * m + j;
      if (tally.moduleCompletedAt[cell]) completed += 1;
      if (tally.moduleCompletedAt[cell] || tally.visitedAt[cell]) started += 1;
      if (tally.seconds[cell]) times.push(tally.seconds[cell]!);
    }
    return {
      slug: module.slug,
      title: module.title,
      started,
      completed,
      timedLearners: times.length,
      medianSeconds: median(Float64Array.from(times)),
    };
  });
}

function questionStats(tally: CourseTally): QuestionStat[] {
  return tally.course.modules.flatMap((module) =>
    (module.quiz?.questions ?? []).map((question) => {
      const counts = tally.questions.get(`${module.slug}\u0000${question.id}`)!;
      let topWrong: QuestionStat['topWrong'];
      for (const [id, count] of counts.wrong) {
        if (topWrong && count <= topWrong.count) continue;
        const option = question.options.find((candidate) => candidate.id === id);
        topWrong = { id, label: option?.text ?? { en: id, zh: id }, count };
      }
      return {
        moduleSlug: module.slug,
        questionId: question.id,
        type: question.type,
        prompt: question.prompt,
        shown: counts.shown,
        responses: counts.responses,
        correct: counts.correct,
        topWrong,
      };
    }),
  );
}

/** Lets the event loop serve requests: a build runs inside the web process, and composing 100 000 learners takes seconds. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Turns a course tally into snapshot parts: aggregates, learner rows sorted by name, search and filter indexes. */
export async function composeSnapshot(
  tally: CourseTally,
  profiles: Map<string, Profile>,
  builtAt: number,
  layout: SnapshotLayout = DEFAULT_LAYOUT,
): Promise<ComposedSnapshot> {
  const n = tally.learnerIds.length;
  const m = tally.moduleCount;
  const profileOf = (i: number) => profiles.get(tally.learnerIds[i]!) ?? MISSING_PROFILE;
  const regions = regionDictionary(tally, profileOf);
  const regionCode = new Map(regions.map((region, i) => [region, i]));
  const offsets = groupOffsets(regions.length);
  const days = new Map<number, number[]>();
  const rows: LearnerRow[] = [];
  const details: EncodedDetail[][] = Array.from({ length: Math.max(1, Math.ceil(n / layout.detailBucket)) }, () => []);
  const attemptsOf = new Map<number, AttemptRecord[]>();
  const flat = tally.attempts;
  for (let k = 0; k < flat.length; k += 6) {
    const list = attemptsOf.get(flat[k]!) ?? [];
    if (list.length === 0) attemptsOf.set(flat[k]!, list);
    list.push([flat[k + 1]!, flat[k + 2]!, flat[k + 3]!, flat[k + 4]!, flat[k + 5]!]);
  }

  for (let i = 0; i < n; i += 1) {
    if (i % 2000 === 1999) await breathe();
    const profile = profileOf(i);
    const region = profile.region ? regionCode.get(profile.region)! : regions.length;
    const modules: ModuleActivity[] = [];
    for (let j = 0; j < m; j += 1) {
      const cell = i * m + j;
      const activity: ModuleActivity = [
        j,
        tally.visitedAt[cell]!,
        tally.moduleCompletedAt[cell]!,
        tally.seconds[cell]!,
        tally.views[cell]!,
      ];
      if (activity[1] || activity[2] || activity[3]) modules.push(activity);
    }
    const row: LearnerRow = {
      id: tally.learnerIds[i]!,
      name: profile.name,
      email: profile.email,
      size: profile.size,
      women: profile.women,
      region,
      language: profile.language,
      enrolledAt: tally.enrolledAt[i]!,
      completedAt: tally.completedAt[i] || null,
      isCertified: tally.certified[i] === 1,
      modulesStarted: modules.filter((activity) => activity[1] || activity[2]).length,
      modulesCompleted: modules.filter((activity) => activity[2]).length,
      seconds: tally.totalSeconds[i]!,
    };
    rows.push(row);
    const attempts = (attemptsOf.get(i) ?? []).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    details[detailBucketOf(row.id, details.length)]!.push([encodeRow(row), modules, attempts]);

    const day = dayOf(row.enrolledAt);
    const counts = days.get(day) ?? new Array<number>(offsets.width).fill(0);
    days.set(day, counts);
    const isCompleted = row.completedAt !== null;
    const flags = [true, tally.startedAny[i] === 1, isCompleted, row.isCertified];
    flags.forEach((flag, step) => (counts[step]! += flag ? 1 : 0));
    for (const offset of [
      offsets.size + 2 * row.size,
      offsets.women + 2 * row.women,
      offsets.language + 2 * row.language,
      offsets.region + 2 * region,
    ]) {
      counts[offset]! += 1;
      if (isCompleted) counts[offset + 1]! += 1;
    }
  }

  const nameKeys = rows.map((row) => searchKey(row.name));
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => compare(nameKeys[a]!, nameKeys[b]!) || compare(rows[a]!.id, rows[b]!.id),
  );
  const sorted = order.map((i) => rows[i]!);
  const filterCodes = Uint8Array.from(sorted, (row) => packFilters(row.size, row.women, row.completedAt !== null));
  const regionCodes =
    regions.length < 0xffff ? Uint16Array.from(sorted, (row) => row.region) : Uint32Array.from(sorted, (row) => row.region);
  const emailKeys = sorted.map((row) => searchKey(row.email));
  const byEmail = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(emailKeys[a]!, emailKeys[b]!) || a - b);
  const chunk = <T>(items: T[], size: number) =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, c) => items.slice(c * size, (c + 1) * size));
  const rowChunks = chunk(sorted, layout.rowChunk);
  const emailChunks = chunk(
    Array.from(byEmail, (position) => emailKeys[position]!),
    layout.emailChunk,
  );

  const summary: ReportSummary = {
    courseSlug: tally.course.courseSlug,
    title: tally.course.title,
    courseVersion: tally.course.version,
    builtAt,
    learnerCount: n,
    modules: moduleStats(tally),
    questions: questionStats(tally),
    regions,
    days: [...days].sort((a, b) => a[0] - b[0]).map(([day, counts]): DayCounts => ({ day, counts })),
    nameChunkKeys: rowChunks.map((rowsOfChunk) => searchKey(rowsOfChunk[0]!.name)),
    emailChunkKeys: emailChunks.map((keys) => keys[0]!),
    detailBuckets: details.length,
    layout,
  };
  const stringify = async <T>(items: T[], encode: (item: T) => string) => {
    const out: string[] = [];
    for (const item of items) {
      out.push(encode(item));
      if (out.length % 20 === 0) await breathe();
    }
    return out;
  };
  return {
    summary,
    codes: JSON.stringify({ filters: toBase64(filterCodes), regions: toBase64(regionCodes), regionBytes: regionCodes.BYTES_PER_ELEMENT }),
    emailOrder: toBase64(byEmail),
    rowChunks: await stringify(rowChunks, (rowsOfChunk) => JSON.stringify(rowsOfChunk.map(encodeRow))),
    emailChunks: await stringify(emailChunks, (keys) => JSON.stringify(keys)),
    detailBuckets: await stringify(details, (bucket) => JSON.stringify(bucket)),
  };
}

/** Code-unit order, as the prefix search expects (never localeCompare: it is not a total order on prefixes). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
