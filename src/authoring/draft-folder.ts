import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { holdNewCourseToWarnings, loadCourseFolder } from '../courses/course-files';
import { getLiveCourse } from '../courses/courses.service';
import { CourseAsset } from '../courses/course-asset.model';
import type { LoadResult, Problem } from '../courses/course-types';
import type { UploadStorage } from '../uploads/storage';
import { writeCourseFolder, type CourseFolderText } from './course-folder';
import type { DraftAsset, DraftContent, DraftProblem } from './draft-types';

/** What authoring services need from the app: where uploaded bytes live and a scratch folder of their own. */
export type AuthoringContext = { storage: UploadStorage; workDir: string };

/** `.lean()` returns BSON Binary for Buffer fields; its `buffer` holds exactly the stored bytes. */
function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const bytes = (data as { buffer: Uint8Array }).buffer;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The bytes of a draft asset: uploads are in storage, published files in courseAssets by hash. */
export async function readDraftAsset(context: AuthoringContext, asset: DraftAsset): Promise<Buffer> {
  if (asset.storageKey) {
    const stored = await context.storage.get(asset.storageKey);
    if (stored) return stored;
  }
  const published = await CourseAsset.findOne({ sha256: asset.sha256 }, { data: 1 }).lean();
  if (!published) throw new Error(`asset bytes missing: ${asset.name}`);
  return toBuffer(published.data);
}

export type CheckedFolder = { dir: string; result: LoadResult; problems: DraftProblem[] };

/**
 * Writes the draft as a course folder in a scratch directory, runs the same validator as `npm run courses:check`
 * on it, and hands the outcome to `use` (which may read the folder, for example to publish). The folder is removed
 * afterwards, whatever happens.
 */
export async function withCheckedFolder<T>(
  context: AuthoringContext,
  slug: string,
  content: DraftContent,
  use: (checked: CheckedFolder) => Promise<T>,
): Promise<T> {
  await mkdir(context.workDir, { recursive: true });
  const scratch = await mkdtemp(path.join(context.workDir, 'draft-'));
  try {
    const dir = path.join(scratch, slug);
    const folder = await writeCourseFolder(dir, content, (asset) => readDraftAsset(context, asset));
    const loaded = await loadCourseFolder(dir);
    const result = loaded.warnings?.length && !(await getLiveCourse(slug)) ? holdNewCourseToWarnings(loaded) : loaded;
    return await use({ dir, result, problems: placeProblems(result.problems, dir, folder) });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Reads an asset back from a checked folder (what publishCourseVersion stores). */
export function folderAssetReader(dir: string): (name: string) => Promise<Buffer> {
  return (name) => readFile(path.join(dir, 'assets', ...name.split('/')));
}

/** Maps `file:line: message` problems back to the form fields the lines were written from. */
export function placeProblems(problems: Problem[], dir: string, folder: CourseFolderText): DraftProblem[] {
  return problems.map((problem) => {
    const file = path.relative(dir, path.resolve(problem.file)).split(path.sep).join('/');
    const field = folder.lines.get(file)?.[problem.line - 1];
    if (!field) return { scope: 'course', field: 'general', message: `${file}:${problem.line}: ${problem.message}` };
    const line = field.bodyStart !== undefined ? problem.line - field.bodyStart + 1 : undefined;
    return { scope: field.scope, field: field.field, message: problem.message, ...(line !== undefined ? { line } : {}) };
  });
}
