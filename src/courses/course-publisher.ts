import { forgetCourseDirectory } from './course-directory';
import { Course } from './course.model';
import { CourseAsset } from './course-asset.model';
import { CourseVersion, type CourseVersionDoc } from './course-version.model';
import { settingsOf, type LoadedCourse } from './course-types';
import { isDuplicateKey } from '../db/duplicate-key';
import { announceCourseChange } from './course-changes';

export type PublishOutcome = { status: 'created' | 'updated' | 'unchanged'; version: number };


function toVersionDoc(course: LoadedCourse, version: number, source: CourseVersionDoc['source']): CourseVersionDoc {
  return {
    courseSlug: course.slug,
    version,
    contentHash: course.contentHash,
    source,
    ...settingsOf(course),
    references: Object.entries(course.references).map(([id, ref]) => ({ id, ...ref })),
    glossary: Object.entries(course.glossary).map(([id, entry]) => ({ id, ...entry })),
    modules: course.modules.map((module) => ({
      slug: module.slug,
      order: module.order,
      minutes: module.minutes,
      title: module.title,
      objectives: module.objectives,
      markdown: module.markdown,
      references: module.references,
      ...(module.quiz ? { quiz: module.quiz } : {}),
      contentHash: module.contentHash,
    })),
    assets: course.assets,
    createdAt: new Date(),
  };
}

async function storeAssets(course: LoadedCourse, readAsset: (name: string) => Promise<Buffer>): Promise<void> {
  for (const asset of course.assets) {
    const existing = await CourseAsset.exists({ sha256: asset.sha256 });
    if (existing) continue;
    const data = await readAsset(asset.name);
    await CourseAsset.create({ sha256: asset.sha256, size: data.length, data }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
}

/**
 * Makes `course` the live version of its slug, unless that content is live already.
 *
 * Transactional in effect without transactions: assets, then the complete immutable version document, are written
 * before the course's pointer moves to it, so readers see either the old version or the new one, never a mix. A
 * unique (slug, version) index arbitrates between concurrent publishers; a version left behind by a crash between
 * the two writes is reused when its content matches.
 */
export async function publishCourseVersion(
  course: LoadedCourse,
  source: CourseVersionDoc['source'],
  readAsset: (name: string) => Promise<Buffer>,
): Promise<PublishOutcome> {
  const current = await Course.findOne({ slug: course.slug }, { currentVersion: 1, contentHash: 1 }).lean();
  if (current?.contentHash === course.contentHash) return { status: 'unchanged', version: current.currentVersion };

  await storeAssets(course, readAsset);
  let version = (current?.currentVersion ?? 0) + 1;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await CourseVersion.create(toVersionDoc(course, version, source));
      break;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 20) throw error;
      const taken = await CourseVersion.findOne({ courseSlug: course.slug, version }, { contentHash: 1 }).lean();
      if (taken?.contentHash === course.contentHash) break;
      version += 1;
    }
  }

  const catalogue = {
    title: course.title,
    summary: course.summary,
    level: course.level,
    minutes: course.minutes,
    moduleCount: course.modules.length,
    isPublished: true,
    currentVersion: version,
    contentHash: course.contentHash,
  };
  try {
    // Only ever move the pointer forward: a slower publisher of an older version must not win.
    await Course.updateOne({ slug: course.slug, currentVersion: { $lt: version } }, { $set: catalogue, $setOnInsert: { slug: course.slug } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  } finally {
    forgetCourseDirectory();
  }
  // Other processes drop their copy of the course heads within a second (course-changes.ts); if this write fails
  // (the database just went away), their copy expires on its own within seconds.
  await announceCourseChange(course.slug).catch(() => undefined);
  return { status: current ? 'updated' : 'created', version };
}
