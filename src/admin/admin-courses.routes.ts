import { Router, type Response } from 'express';
import { importCourseZip } from '../authoring/course-zip.service';
import type { AuthoringContext } from '../authoring/draft-folder';

import { HttpError, NotFound } from '../http/errors';
import { listImportReports } from './import-reports.service';
import { courseStaffView, importReportsView } from './admin.view';
import { acceptFiles, uploadedFiles } from '../uploads/upload.middleware';
import { uploadLimits } from '../uploads/upload-limits';
import { assignSchema, courseParams, importSchema, staffParams } from './admin.schemas';
import { assignTrainerByEmail, listCourseStaff, unassignTrainerFromCourse } from './staff.service';
import { actorOf, parseForm, parseParams, wantsJson } from '../http/request';

/** Course staff (assigning trainers), the importer's problems, and importing a course zip. */
export function adminCourseRoutes(context: AuthoringContext): Router {
  const router = Router();

  const renderCourses = async (res: Response, failure?: { slug: string; message: string; email: string }, status = 200) => {
    const notice = res.req.query.notice;
    res.status(status).render('admin/courses', {
      title: res.locals.t('admin.courses.title'),
      failure,
      notice: notice === 'assigned' || notice === 'unassigned' ? `admin.notice.${notice}` : undefined,
      courses: courseStaffView(await listCourseStaff(actorOf(res.req)), res.locals.contentLang),
    });
  };

  router.get('/admin/courses', async (_req, res) => renderCourses(res));

  router.post('/admin/courses/:slug/staff', async (req, res) => {
    const { slug } = parseParams(courseParams, req.params);
    const form = parseForm(assignSchema, req.body);
    if (!form.ok) {
      const typed = typeof form.values.email === 'string' ? form.values.email.slice(0, 254) : '';
      return renderCourses(res, { slug, message: res.locals.t(form.errors.email ?? 'admin.staff.emailInvalid'), email: typed }, 422);
    }
    try {
      await assignTrainerByEmail(actorOf(req), slug, form.data.email);
    } catch (error) {
      if (error instanceof HttpError && error.status === 422)
        return renderCourses(res, { slug, message: res.locals.t(error.message), email: form.data.email }, 422);
      throw error;
    }
    res.redirect(303, '/admin/courses?notice=assigned');
  });

  router.post('/admin/courses/:slug/staff/:userId/delete', async (req, res) => {
    const { slug, userId } = parseParams(staffParams, req.params);
    await unassignTrainerFromCourse(actorOf(req), slug, userId);
    res.redirect(303, '/admin/courses?notice=unassigned');
  });

  router.get('/admin/imports', async (req, res) => {
    res.render('admin/imports', {
      title: res.locals.t('admin.imports.title'),
      reports: importReportsView(await listImportReports(actorOf(req))),
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
      const form = parseForm(importSchema, req.body);
      const mode = form.ok ? form.data.mode : 'draft';
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
