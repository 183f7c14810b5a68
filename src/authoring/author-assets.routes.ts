import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/errors';
import { acceptFiles, uploadedFiles } from '../uploads/upload.middleware';
import { uploadLimits } from '../uploads/upload-limits';
import { addUploadedAssets, deleteAsset, getWorkingAsset } from './asset.service';
import { slugOf } from './author-request';
import { authorHref } from './authoring.view';
import { assertCanManageCourse } from '../access/course-access';
import type { AuthoringContext } from './draft-folder';
import { actorOf, wantsJson } from '../http/request';

const assetName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,200}(\/[A-Za-z0-9._-]{1,200}){0,4}$/)
  .refine((name) => !name.split('/').some((part) => part === '..' || part === '.'));

/** Uploading images and PDF attachments into a draft, removing them, and serving the working copy's assets to authors. */
export function authorAssetRoutes(context: AuthoringContext): Router {
  const router = Router();

  router.post(
    '/author/courses/:slug/assets',
    // Who may upload is settled before a byte of the body is read.
    async (req, res, next) => {
      const slug = slugOf(req);
      await assertCanManageCourse(actorOf(req), slug);
      res.locals.backHref = `${authorHref(slug)}#assets`;
      next();
    },
    acceptFiles({
      field: 'files',
      maxFiles: uploadLimits.assetFiles,
      maxFileBytes: uploadLimits.assetFileBytes,
      maxRequestBytes: uploadLimits.assetRequestBytes,
    }),
    async (req, res) => {
      const slug = slugOf(req);
      const names = await addUploadedAssets(
        context,
        actorOf(req),
        slug,
        uploadedFiles(req).map((file) => ({ originalName: file.originalname, data: file.buffer })),
      );
      if (wantsJson(req)) {
        res.status(201).json({ assets: names.map((name) => ({ name, markdownPath: `assets/${name}` })) });
        return;
      }
      res.redirect(303, `${authorHref(slug)}?notice=uploaded#assets`);
    },
  );

  router.post('/author/courses/:slug/assets/delete', async (req, res) => {
    const slug = slugOf(req);
    const name = assetName.safeParse((req.body as Record<string, unknown> | undefined)?.name);
    if (!name.success) throw new NotFound();
    await deleteAsset(context, actorOf(req), slug, name.data);
    res.redirect(303, `${authorHref(slug)}?notice=deleted#assets`);
  });

  router.get('/author/courses/:slug/assets/*name', async (req, res) => {
    const name = assetName.safeParse((req.params as { name?: string[] }).name?.join('/'));
    if (!name.success) throw new NotFound();
    const asset = await getWorkingAsset(context, actorOf(req), slugOf(req), name.data);
    const isInline = asset.contentType.startsWith('image/') && asset.contentType !== 'image/svg+xml';
    const fileName = (asset.name.split('/').pop() ?? 'download').replace(/[^A-Za-z0-9._-]/g, '_');
    res.set({
      'Content-Type': asset.contentType,
      'Content-Disposition': `${isInline ? 'inline' : 'attachment'}; filename="${fileName}"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.send(asset.data);
  });

  return router;
}
