import { Router, type Response } from 'express';
import { importCourseZip } from '../authoring/course-zip.service';
import type { AuthoringContext } from '../authoring/draft-folder';
import { slugOf } from '../authoring/author-request';

import { ImportReport } from '../courses/import-report.model';
import { HttpError, NotFound } from '../http/errors';
import { acceptFiles, uploadedFiles } from '../uploads/upload.middleware';
import { uploadLimits } from '../uploads/upload-limits';
import { assignSchema, importSchema } from './admin.schemas';
import { assignTrainerByEmail, listCourseStaff, unassignTrainerFromCourse } from './staff.service';
import { actorOf, wantsJson } from '../http/request';

/** Course staff (assigning trainers), the importer's problems, and importing a course zip. */
export function adminCourseRoutes(context: AuthoringContext): Router {
  const router = Router();

  const renderCourses = async (res: Response, failure?: { slug: string; message: string; email: string }, status = 200) => {
    const lang = res.locals.contentLang;
    const rows = await listCourseStaff(actorOf(res.req));
    res.status(status).render('admin/courses', {
      title: res.locals.t('admin.courses.title'),
      failure,
      notice:
        res.req.query.notice === 'assigned' || res.req.query.notice === 'unassigned' ? `admin.notice.${res.req.query.notice}` : undefined,
      courses: rows.map((row) => ({
        slug: row.slug,
        title: row.title[lang] || row.slug,
        assignAction: `/admin/courses/${row.slug}/staff`,
        trainers: row.trainers.map((trainer) => ({ ...trainer, removeAction: `/admin/courses/${row.slug}/staff/${trainer.id}/delete` })),
      })),
    });
  };

  router.get('/admin/courses', async (_req, res) => renderCourses(res));

  router.post('/admin/courses/:slug/staff', async (req, res) => {
    const slug = slugOf(req);
    const parsed = assignSchema.safeParse(req.body);
    const email =
      typeof (req.body as Record<string, unknown>).email === 'string'
        ? String((req.body as Record<string, unknown>).email).slice(0, 254)
        : '';
    if (!parsed.success) return renderCourses(res, { slug, message: res.locals.t('admin.staff.emailInvalid'), email }, 422);
    try {
      await assignTrainerByEmail(actorOf(req), slug, parsed.data.email);
    } catch (error) {
      if (error instanceof HttpError && error.status === 422)
        return renderCourses(res, { slug, message: res.locals.t(error.message), email }, 422);
      throw error;
    }
    res.redirect(303, '/admin/courses?notice=assigned');
  });

  router.post('/admin/courses/:slug/staff/:userId/delete', async (req, res) => {
    const userId = String(req.params.userId);
    if (!/^[a-f0-9]{24}$/.test(userId)) throw new NotFound();
    await unassignTrainerFromCourse(actorOf(req), slugOf(req), userId);
    res.redirect(303, '/admin/courses?notice=unassigned');
  });

  router.get('/admin/imports', async (_req, res) => {
    const reports = await ImportReport.find({}, { _id: 0 }).sort({ courseSlug: 1 }).lean();
    res.render('admin/imports', {
      title: res.locals.t('admin.imports.title'),
      reports: reports.map((report) => ({
        slug: report.courseSlug,
        checkedAt: report.checkedAt.toISOString().replace('T', ' ').slice(0, 16),
        problems: report.problems.map((p) => `${p.file}:${p.line}: ${p.message}`),
      })),
    });
  });

  router.get('/admin/import', (_req, res) =>
    res.render('admin/import', {
      title: res.locals.t('admin.import.title'),
      action: '/admin/import',
      limitMb: uploadLimits.zipFileBytes / 1024 / 1024,
    }),
  );

  router.post(
    '/admin/import',
    (_req, res, next) => {
      res.locals.backHref = '/admin/import';
      next();
    },
    acceptFiles({ field: 'zip', maxFiles: 1, maxFileBytes: uploadLimits.zipFileBytes, maxRequestBytes: uploadLimits.zipFileBytes }),
    async (req, res) => {
      const parsed = importSchema.safeParse(req.body);
      const mode = parsed.success ? parsed.data.mode : 'draft';
      const [file] = uploadedFiles(req);
      if (!file) throw new NotFound();
      const result = await importCourseZip(context, actorOf(req), file.buffer, mode);
      const status = result.status === 'invalid' ? 422 : 200;
      if (wantsJson(req)) {
        res.status(status).json(result);
        return;
      }
      res.status(status).render('admin/import', {
        title: res.locals.t('admin.import.title'),
        action: '/admin/import',
        limitMb: uploadLimits.zipFileBytes / 1024 / 1024,
        result,
        courseHref: `/author/courses/${result.slug}`,
      });
    },
  );

  return router;
}
