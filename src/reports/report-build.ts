import mongoose from 'mongoose';
import { Course } from '../courses/course.model';
import { getCourseVersion } from '../courses/courses.service';
import { currentMinute } from '../learning/learner-fact.model';
import { CourseTally, collectTallies, type Profile, type ScanProgress, type TallyFeeder } from './report-collect';
import { claimRefresh, feedAddedSince } from './report-increment';
import { composeSnapshot } from './report-compose';
import { publishSnapshot, readHead, readSummary, SnapshotGone, type LoadedSnapshot } from './report-store';
import type { SnapshotLayout } from './report-types';

/**
 * Snapshots older than this (REPORT_MAX_AGE_MINUTES, 1 by default) are refreshed in the background when a report is
 * opened; the old one is shown meanwhile.
 */
export const REPORT_MAX_AGE_MS = 60 * 1000;
/** A refresh reads only new facts; once an hour it reads everything, to take in what changed in place (profiles, revocations). */
const FULL_REBUILD_MS = 60 * 60 * 1000;

export type BuildResult = { courses: number; learners: number; durationMs: number; mode: 'full' | 'incremental'; documentsRead: number };
export type BuildOptions = { progress?: ScanProgress; layout?: SnapshotLayout };

/** What the last build of this process left in memory, so that the next refresh reads only what was added since. */
let previous: { feed: TallyFeeder; database: string; versions: string; fromMinute: number; seen: Set<string>; fullAt: number } | undefined;

const versionsOf = (tallies: Map<string, CourseTally>) =>
  [...tallies]
    .map(([slug, tally]) => `${slug}@${tally.course.version}`)
    .sort()
    .join(',');

/**
 * Builds the report snapshots of every course: one streaming read of each collection for all courses together
 * (see report-collect.ts), then per course the aggregates, the learner table and its search and filter indexes.
 */
export async function buildReportSnapshots(options: BuildOptions = {}, prepared?: Map<string, CourseTally>): Promise<BuildResult> {
  const started = Date.now();
  const fromMinute = currentMinute(started);
  const tallies = prepared ?? (await emptyTallies());
  const seen = new Set<string>();
  let documentsRead = 0;
  const progress: ScanProgress = (name, documents, ms) => {
    documentsRead += documents;
    options.progress?.(name, documents, ms);
  };
  const feed = await collectTallies(tallies, { progress, recordFrom: { minute: fromMinute, seen } });
  previous = { feed, database: mongoose.connection.name, versions: versionsOf(tallies), fromMinute, seen, fullAt: started };
  return { ...(await publishTallies(tallies, feed.profiles, started, options)), mode: 'full', documentsRead };
}

/**
 * Refreshes the snapshots from what was added since the last build of this process (see report-increment.ts):
 * facts are insert-only, so the tallies only grow. A full build instead when there is no previous build here, a
 * course version changed, or the last full build is an hour old.
 */
export async function refreshSnapshots(options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const tallies = await emptyTallies();
  const isUsable =
    previous &&
    previous.database === mongoose.connection.name &&
    versionsOf(tallies) === previous.versions &&
    started - previous.fullAt <= FULL_REBUILD_MS;
  // The empty tallies just read (to compare course versions) serve the full build: the courses are read once.
  if (!previous || !isUsable) return buildReportSnapshots(options, tallies);
  const upTo = currentMinute(started);
  const { documentsRead, seen } = await feedAddedSince(previous.feed, previous.fromMinute, upTo, previous.seen);
  Object.assign(previous, { fromMinute: upTo, seen });
  const published = await publishTallies(previous.feed.tallies, previous.feed.profiles, started, options);
  return { ...published, mode: 'incremental', documentsRead };
}

/** One empty tally per course, for its live version. */
export async function emptyTallies(): Promise<Map<string, CourseTally>> {
  const courses = await Course.find({}, { slug: 1, currentVersion: 1, _id: 0 }).lean();
  const tallies = new Map<string, CourseTally>();
  for (const course of courses) {
    const version = await getCourseVersion(course.slug, course.currentVersion);
    if (version) tallies.set(course.slug, new CourseTally(version));
  }
  return tallies;
}

/** Composes and publishes the snapshot of each filled tally. */
export async function publishTallies(
  tallies: Map<string, CourseTally>,
  profiles: Map<string, Profile>,
  started: number,
  options: BuildOptions = {},
): Promise<Omit<BuildResult, 'mode' | 'documentsRead'>> {
  let learners = 0;
  for (const [slug, tally] of tallies) {
    const composing = Date.now();
    const composed = await composeSnapshot(tally, profiles, started, options.layout);
    const writing = Date.now();
    await publishSnapshot(slug, composed, Date.now() - started);
    options.progress?.(
      `${slug}: composed in ${writing - composing} ms, written in ${Date.now() - writing} ms`,
      composed.summary.learnerCount,
      Date.now() - composing,
    );
    learners += composed.summary.learnerCount;
  }
  return { courses: tallies.size, learners, durationMs: Date.now() - started };
}

let running: Promise<BuildResult> | undefined;
let queued: Promise<BuildResult> | undefined;

/**
 * Rebuilds the snapshots, one build at a time in this process. A request made while a build runs is answered by
 * the next build (which starts when the running one ends, and serves every request made meanwhile), so the
 * figures always include what was recorded before the request.
 */
export function refreshReports(options: BuildOptions = {}): Promise<BuildResult> {
  if (!running) {
    running = refreshSnapshots(options).finally(() => {
      running = undefined;
    });
    return running;
  }
  queued ??= running
    .catch(() => undefined)
    .then(() => {
      queued = undefined;
      return refreshReports(options);
    });
  return queued;
}

export const isRefreshing = () => running !== undefined;

export type SnapshotState = { state: 'ready'; snapshot: LoadedSnapshot; isStale: boolean } | { state: 'preparing' };

/**
 * The current snapshot of a course's report. With none yet, a build starts and is awaited up to `waitMs` (small
 * databases are ready at once; a large first build answers "preparing"). A stale one is served while a
 * background rebuild runs; `onBackgroundError` receives what such a build throws.
 */
export async function loadSnapshot(
  courseSlug: string,
  options: { waitMs: number; maxAgeMs?: number; onBackgroundError: (error: unknown) => void; now?: number },
): Promise<SnapshotState> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadSnapshotOnce(courseSlug, options);
    } catch (error) {
      // The head was read just before a rebuild replaced the snapshot: read the new head.
      if (!(error instanceof SnapshotGone) || attempt >= 3) throw error;
    }
  }
}

async function loadSnapshotOnce(
  courseSlug: string,
  options: { waitMs: number; maxAgeMs?: number; onBackgroundError: (error: unknown) => void; now?: number },
): Promise<SnapshotState> {
  let head = await readHead(courseSlug);
  if (!head?.current) {
    const build = refreshReports();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.waitMs);
    });
    const outcome = await Promise.race([build, timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      build.catch(options.onBackgroundError);
      return { state: 'preparing' };
    }
    head = await readHead(courseSlug);
    if (!head?.current) return { state: 'preparing' };
  }
  const current = head.current;
  const isStale = (options.now ?? Date.now()) - current.builtAt.getTime() > (options.maxAgeMs ?? REPORT_MAX_AGE_MS);
  // One background refresh per minute across all the app's processes (claimed by an insert behind a unique key).
  if (isStale)
    claimRefresh(currentMinute())
      .then((claimed) => (claimed ? refreshReports() : undefined))
      .catch(options.onBackgroundError);
  return { state: 'ready', snapshot: { parts: current, summary: await readSummary(current) }, isStale };
}
