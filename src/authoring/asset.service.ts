import { createHash, randomBytes } from 'node:crypto';
import { NotFound } from '../http/errors';
import { detectFileKind, fileTypes } from '../uploads/file-types';
import { findPdfActiveContent } from '../uploads/pdf-active-content';
import { UploadRejected } from '../uploads/upload.middleware';
import { assertCanManageCourse, type Actor } from '../access/course-access';
import { addAssets, removeAsset } from './draft-edits';
import { readDraftAsset, type AuthoringContext } from './draft-folder';
import { getWorkingCopy, saveDraft } from './draft.service';
import type { DraftAsset } from './draft-types';

export type IncomingFile = { originalName: string; data: Buffer };

/** A readable, safe asset name: letters of the original name as a hint, a random suffix, the extension of the content. */
export function generatedAssetName(originalName: string, extension: string): string {
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const stem =
    base
      .replace(/\.[^.]*$/, '')
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'file';
  return `${stem}-${randomBytes(3).toString('hex')}.${extension}`;
}

/**
 * Adds uploaded images (PNG, JPEG, WebP) and PDF attachments to the draft as assets/<generated name>. The type is
 * read from the bytes: a PNG named .pdf is stored and served as the PNG it is, a script named .png is refused.
 * All files are checked before any is stored, and stored bytes are removed again if the draft cannot be saved, so
 * a refused or failed upload leaves nothing behind.
 */
export async function addUploadedAssets(context: AuthoringContext, actor: Actor, slug: string, files: IncomingFile[]): Promise<string[]> {
  await assertCanManageCourse(actor, slug);
  const typed = files.map((file) => {
    const kind = detectFileKind(file.data);
    if (!kind || kind === 'zip') throw new UploadRejected(415, 'uploads.unsupportedAsset', { name: file.originalName.slice(0, 100) });
    const active = kind === 'pdf' ? findPdfActiveContent(file.data) : undefined;
    if (active) throw new UploadRejected(422, 'uploads.pdfActiveContent', { name: file.originalName.slice(0, 100), feature: active });
    return { file, type: fileTypes[kind] };
  });
  const stored: string[] = [];
  try {
    const assets: DraftAsset[] = [];
    for (const { file, type } of typed) {
      const storageKey = await context.storage.put(file.data);
      stored.push(storageKey);
      const sha256 = createHash('sha256').update(file.data).digest('hex');
      assets.push({
        name: generatedAssetName(file.originalName, type.extension),
        sha256,
        size: file.data.length,
        contentType: type.contentType,
        storageKey,
      });
    }
    await saveDraft(context, actor, slug, 'assets.upload', (content) => addAssets(content, assets));
    stored.length = 0;
    return assets.map((asset) => asset.name);
  } finally {
    for (const key of stored) await context.storage.delete(key);
  }
}

export async function deleteAsset(context: AuthoringContext, actor: Actor, slug: string, name: string): Promise<void> {
  await saveDraft(context, actor, slug, 'assets.delete', (content) => removeAsset(content, name));
}

/** An asset of the working copy (draft or live), for authors' previews. */
export async function getWorkingAsset(
  context: AuthoringContext,
  actor: Actor,
  slug: string,
  name: string,
): Promise<{ name: string; contentType: string; data: Buffer }> {
  const copy = await getWorkingCopy(actor, slug);
  const asset = copy.content.assets.find((candidate) => candidate.name === name);
  if (!asset) throw new NotFound();
  return { name: asset.name, contentType: asset.contentType, data: await readDraftAsset(context, asset) };
}
