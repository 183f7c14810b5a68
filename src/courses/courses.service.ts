import type { CourseDoc } from './course.model';
import { publishedCourseHead, publishedCourseHeads } from './course-directory';
import { CourseAsset } from './course-asset.model';
import { CourseVersion, type CourseVersionDoc } from './course-version.model';
import { LruCache } from '../lru-cache';

export type CatalogueEntry = Pick<CourseDoc, 'slug' | 'title' | 'summary' | 'level' | 'minutes' | 'moduleCount'>;

/** Published courses for the catalogue, in display order. */
export async function listPublishedCourses(): Promise<CatalogueEntry[]> {
  return (await publishedCourseHeads()).map(({ slug, title, summary, level, minutes, moduleCount }) => ({ slug, title, summary, level, minutes, moduleCount }));
}

// Versions are immutable, so a version read once can be served from memory for as long as it is kept.
const versionCache = new LruCache<CourseVersionDoc>(100);

// The key includes the content hash, so a restored or re-seeded database can never be served stale content.
async function loadVersion(slug: string, version: number, contentHash?: string): Promise<CourseVersionDoc | undefined> {
  const key = `${slug}@${version}#${contentHash ?? ''}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  const doc = await CourseVersion.findOne({ courseSlug: slug, version }, { _id: 0, __v: 0 }).lean<CourseVersionDoc>();
  if (!doc || (contentHash && doc.contentHash !== contentHash)) return undefined;
  versionCache.set(key, doc);
  return doc;
}

/** The live version of a published course, or undefined when there is no such course. */
export async function getLiveCourse(slug: string): Promise<CourseVersionDoc | undefined> {
  const course = await publishedCourseHead(slug);
  if (!course) return undefined;
  return loadVersion(slug, course.currentVersion, course.contentHash);
}

/** A specific version of a course (learners who completed an older version keep seeing what they completed). */
export function getCourseVersion(slug: string, version: number): Promise<CourseVersionDoc | undefined> {
  return loadVersion(slug, version);
}

/** `.lean()` returns BSON Binary for Buffer fields; its `buffer` holds exactly the stored bytes. */
function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const bytes = (data as { buffer: Uint8Array }).buffer;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export type AssetFile = { name: string; data: Buffer };

/** An asset of the live version of a course, by its name inside assets/. */
export async function getLiveCourseAsset(slug: string, name: string): Promise<AssetFile | undefined> {
  const course = await getLiveCourse(slug);
  const ref = course?.assets.find((asset) => asset.name === name);
  if (!ref) return undefined;
  const asset = await CourseAsset.findOne({ sha256: ref.sha256 }, { data: 1 }).lean();
  return asset ? { name: ref.name, data: toBuffer(asset.data) } : undefined;
}
