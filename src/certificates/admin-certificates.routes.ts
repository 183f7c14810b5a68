import { Router, type Request, type Response } from 'express';

import { requireRole } from '../accounts/auth.middleware';
import { assertCanManageCourse } from '../access/course-access';
import { listAuditEntries } from '../audit/audit.service';
import { NotFound } from '../http/errors';
import { correctCertificateName, revokeCertificate, searchCertificates, type AdminFailure } from './certificate-admin.service';
import { adminListQuery, correctSchema, revokeSchema, serialParams } from './certificates.schemas';
import { findCertificate } from './certificates.service';
import { buildAdminListView, buildAdminShowView, type AdminForms } from './admin-certificates.view';
import { actorOf, parseForm, parseParams, parseQuery } from '../http/request';

const FAILURES: Record<AdminFailure, string> = {
  not_found: 'error.404.body',
  not_valid: 'admin.certificates.notValid',
  invalid_record: 'verify.status.invalid.body',
  same_name: 'admin.certificates.sameName',
  integrity_error: 'admin.certificates.integrityError',
};

/**
 * /admin/certificates: list and search, one certificate with its history, revoke and correct. Admins for every
 * course; trainers for the courses assigned to them (the services enforce it).
 */
export function adminCertificatesRoutes(): Router {
  const router = Router();
  router.use('/admin/certificates', requireRole('admin', 'trainer'), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/admin/certificates', async (req, res) => {
    const { q, page } = parseQuery(adminListQuery, req.query);
    const result = await searchCertificates(actorOf(req), q, page);
    res.render('certificates/admin-index', buildAdminListView(result, q, res.locals.t, res.locals.locale));
  });

  async function renderShow(req: Request, res: Response, serial: string, forms: AdminForms = {}, status = 200): Promise<void> {
    const doc = await findCertificate(serial);
    if (!doc) throw new NotFound();
    await assertCanManageCourse(actorOf(req), doc.courseSlug);
    const history = await listAuditEntries(doc.serial);
    res.status(status).render('certificates/admin-show', buildAdminShowView(doc, history, forms, res.locals.t, res.locals.locale));
  }

  router.get('/admin/certificates/:serial', async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const notice = req.query.notice === 'revoked' || req.query.notice === 'corrected' ? req.query.notice : undefined;
    await renderShow(req, res, serial, { notice });
  });

  router.post('/admin/certificates/:serial/revoke', async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const form = parseForm(revokeSchema, req.body);
    if (!form.ok) {
      await renderShow(req, res, serial, { revoke: { values: form.values, errors: form.errors } }, 400);
      return;
    }
    const result = await revokeCertificate(actorOf(req), { serial: serial, ...form.data });
    if (typeof result === 'string') {
      if (result === 'not_found') throw new NotFound();
      await renderShow(
        req,
        res,
        serial,
        { revoke: { values: { reason: form.data.reason, note: form.data.note }, errors: { reason: FAILURES[result] } } },
        409,
      );
      return;
    }
    res.redirect(303, `/admin/certificates/${serial}?notice=revoked`);
  });

  router.post('/admin/certificates/:serial/correct', async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const form = parseForm(correctSchema, req.body);
    if (!form.ok) {
      await renderShow(req, res, serial, { correct: { values: form.values, errors: form.errors } }, 400);
      return;
    }
    const result = await correctCertificateName(actorOf(req), { serial: serial, name: form.data.name });
    if (typeof result === 'string') {
      if (result === 'not_found') throw new NotFound();
      await renderShow(req, res, serial, { correct: { values: { name: form.data.name }, errors: { name: FAILURES[result] } } }, 409);
      return;
    }
    res.redirect(303, `/admin/certificates/${serial}?notice=corrected`);
  });

  return router;
}
