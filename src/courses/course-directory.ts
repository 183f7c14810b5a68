import mongoose from 'mongoose';
import { Course, type CourseDoc } from './course.model';

export type CourseHead = Pick<CourseDoc, 'slug' | 'title' | 'summary' | 'level' | 'minutes' | 'moduleCount' | 'currentVersion' | 'contentHash'>;

/**
 * The heads of the published courses (one small document per course), kept in memory for a few seconds. Nearly
 * every request reads them: the catalogue, and the live version behind each course, module, quiz and completion
 * request. On FerretDB each read costs about a millisecond of database CPU, which at load is the page's budget.
 * A publication in this process refreshes the list at once (`forgetCourseDirectory`); one made elsewhere (another
 * app process, `npm run courses:import`) shows within DIRECTORY_TTL_MS. While the database is disconnected nothing
 * is served from memory, so pages answer 503 like every other page.
 */
const DIRECTORY_TTL_MS = 5000;

let cached: { heads: CourseHead[]; bySlug: Map<string, CourseHead>; loadedAt: number } | undefined;
let loading: Promise<NonNullable<typeof cached>> | undefined;
let generation = 0;

async function load(): Promise<NonNullable<typeof cached>> {
  const started = generation;
  const heads = await Course.find({ isPublished: true }, { slug: 1, title: 1, summary: 1, level: 1, minutes: 1, moduleCount: 1, currentVersion: 1, contentHash: 1, _id: 0 })
    .sort({ sortOrder: 1, slug: 1 })
    .lean<CourseHead[]>();
  const loaded = { heads, bySlug: new Map(heads.map((head) => [head.slug, head])), loadedAt: Date.now() };
  // A publication during the read may not be in it: keep the result for this caller only.
  if (started === generation) cached = loaded;
  return loaded;
}

async function directory(): Promise<NonNullable<typeof cached>> {
  const isFresh = cached && Date.now() - cached.loadedAt < DIRECTORY_TTL_MS && mongoose.connection.readyState === 1;
  if (isFresh) return cached!;
  loading ??= load().finally(() => {
    loading = undefined;
  });
  return loading;
}

export async function publishedCourseHeads(): Promise<CourseHead[]> {
  return (await directory()).heads;
}

export async function publishedCourseHead(slug: string): Promise<CourseHead | undefined> {
  return (await directory()).bySlug.get(slug);
}

/** Called after this process publishes or changes a course, and by tests that write courses directly. */
export function forgetCourseDirectory(): void {
  generation += 1;
  cached = undefined;
}
