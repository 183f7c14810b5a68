import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { recordAudit } from '../audit/audit.service';
import { holdNewCourseToWarnings, loadCourseFolder } from '../courses/course-files';
import { publishCourseVersion } from '../courses/course-publisher';
import { isValidSlug } from '../courses/course-source';
import { getLiveCourse } from '../courses/courses.service';
import { Conflict, Forbidden, NotFound } from '../http/errors';
import { detectFileKind, contentTypeForName } from '../uploads/file-types';
import { UploadRejected } from '../uploads/upload.middleware';
import { uploadLimits } from '../uploads/upload-limits';
import { readZipSafely, type ZipFileEntry } from '../uploads/zip-reader';
import { writeZip, type ZipInput } from '../uploads/zip-writer';
import { assertCanManageCourse, type Actor } from '../access/course-access';
import { renderCourseFolder } from './course-folder';
import { appendDraftRevision, findDraft, findDraftHead } from './course-draft.model';
import { draftFromLoaded, draftFromVersion } from './draft-convert';
import { folderAssetReader, readDraftAsset, type AuthoringContext } from './draft-folder';
import { deleteUnusedUploads } from './draft.service';
import type { DraftAsset, DraftContent } from './draft-types';

/** A course as a zip in the courses/ format: one folder named after the slug, as `courses:check` reads it. */
export async function exportCourseZip(
  context: AuthoringContext,
  actor: Actor,
  slug: string,
  source: 'live' | 'draft',
): Promise<{ fileName: string; data: Buffer }> {
  await assertCanManageCourse(actor, slug);
  let content: DraftContent;
  let contentHash: string | null = null;
  if (source === 'live') {
    const live = await getLiveCourse(slug);
    if (!live) throw new NotFound();
    content = draftFromVersion(live);
    contentHash = live.contentHash;
  } else {
    const draft = await findDraft(slug);
    if (!draft) throw new NotFound();
    content = { meta: draft.meta, modules: draft.modules, assets: draft.assets };
    contentHash = draft.contentHash ?? null;
  }
  const files: ZipInput[] = renderCourseFolder(content).files.map((file) => ({
    path: `${slug}/${file.name}`,
    data: Buffer.from(file.text, 'utf8'),
  }));
  for (const asset of content.assets) files.push({ path: `${slug}/assets/${asset.name}`, data: await readDraftAsset(context, asset) });
  const data = await writeZip(files);
  await recordAudit({
    actorId: actor.id,
    action: 'course.export',
    targetType: 'course',
    targetId: slug,
    before: null,
    after: { source, contentHash },
  });
  return { fileName: `${slug}${source === 'draft' ? '-draft' : ''}.zip`, data };
}

/** The course folder inside a zip: exactly one top folder (the slug); macOS metadata and dot files are ignored. */
export function courseFilesFromZip(entries: ZipFileEntry[]): { slug: string; files: ZipFileEntry[] } {
  const files = entries.filter((entry) => !entry.path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX'));
  const tops = new Set(files.map((entry) => entry.path.split('/')[0] ?? ''));
  const [slug] = [...tops];
  if (tops.size !== 1 || !slug || files.some((entry) => !entry.path.includes('/'))) throw new UploadRejected(422, 'uploads.zip.oneFolder');
  if (!isValidSlug(slug)) throw new UploadRejected(422, 'uploads.zip.badSlug', { slug: slug.slice(0, 100) });
  return { slug, files: files.map((entry) => ({ path: entry.path.slice(slug.length + 1), data: entry.data })) };
}

export type ImportResult =
  | { status: 'invalid'; slug: string; problems: string[] }
  | { status: 'draft'; slug: string; contentHash: string }
  | { status: 'published'; slug: string; contentHash: string; version: number; isUnchanged: boolean };

async function storeAsDraft(
  context: AuthoringContext,
  actor: Actor,
  slug: string,
  content: DraftContent,
  contentHash: string,
): Promise<void> {
  const live = await getLiveCourse(slug);
  // The imported content replaces the draft: the next revision, whatever a concurrent save stored before it.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { draft: existing, revision } = await findDraftHead(slug);
    const stored = await appendDraftRevision({
      courseSlug: slug,
      revision: revision + 1,
      baseVersion: live?.version ?? 0,
      ...content,
      problems: [],
      contentHash,
      updatedBy: actor.id,
    });
    if (!stored) continue;
    if (existing) await deleteUnusedUploads(context, { meta: existing.meta, modules: existing.modules, assets: existing.assets }, content);
    return;
  }
  throw new Conflict('authoring.conflict');
}

/**
 * Imports a course zip (admins only): unpacked with the zip guards, checked by the course validator, then stored as
 * the course's draft (replacing any) or published at once. Invalid content changes nothing and comes back as
 * `file:line: message` problems. The scratch folder is removed whatever happens.
 */
export async function importCourseZip(
  context: AuthoringContext,
  actor: Actor,
  zip: Buffer,
  mode: 'draft' | 'publish',
): Promise<ImportResult> {
  if (actor.role !== 'admin') throw new Forbidden();
  if (detectFileKind(zip) !== 'zip') throw new UploadRejected(415, 'uploads.zip.notZip');
  const { slug, files } = courseFilesFromZip(
    await readZipSafely(zip, {
      maxEntries: uploadLimits.zipEntries,
      maxEntryBytes: uploadLimits.zipEntryBytes,
      maxTotalBytes: uploadLimits.zipTotalBytes,
    }),
  );
  await mkdir(context.workDir, { recursive: true });
  const scratch = await mkdtemp(path.join(context.workDir, 'import-'));
  const storedKeys: string[] = [];
  try {
    const dir = path.join(scratch, slug);
    for (const file of files) {
      const target = path.resolve(dir, ...file.path.split('/'));
      // Paths were checked when the zip was read; this is the last line of defence before a write.
      if (!target.startsWith(dir + path.sep)) throw new UploadRejected(422, 'uploads.zip.unsafePath', { name: file.path });
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.data, { flag: 'wx' });
    }
    const loaded = await loadCourseFolder(dir);
    const result = loaded.warnings?.length && !(await getLiveCourse(slug)) ? holdNewCourseToWarnings(loaded) : loaded;
    if (!result.course) {
      const problems = result.problems.map(
        (problem) =>
          `${slug}/${path.relative(dir, path.resolve(problem.file)).split(path.sep).join('/')}:${problem.line}: ${problem.message}`,
      );
      return { status: 'invalid', slug, problems };
    }
    const course = result.course;
    let outcome: ImportResult;
    if (mode === 'publish') {
      const published = await publishCourseVersion(course, 'authoring', folderAssetReader(dir));
      outcome = {
        status: 'published',
        slug,
        contentHash: course.contentHash,
        version: published.version,
        isUnchanged: published.status === 'unchanged',
      };
    } else {
      const read = folderAssetReader(dir);
      const assets: DraftAsset[] = [];
      for (const asset of course.assets) {
        const key = await context.storage.put(await read(asset.name));
        storedKeys.push(key);
        assets.push({ ...asset, contentType: contentTypeForName(asset.name), storageKey: key });
      }
      await storeAsDraft(context, actor, slug, draftFromLoaded(course, assets), course.contentHash);
      storedKeys.length = 0;
      outcome = { status: 'draft', slug, contentHash: course.contentHash };
    }
    await recordAudit({
      actorId: actor.id,
      action: 'course.import',
      targetType: 'course',
      targetId: slug,
      before: null,
      after: { mode, contentHash: course.contentHash, ...(outcome.status === 'published' ? { version: outcome.version } : {}) },
    });
    return outcome;
  } finally {
    for (const key of storedKeys) await context.storage.delete(key);
    await rm(scratch, { recursive: true, force: true });
  }
}
