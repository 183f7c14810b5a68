import { Router } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import { roles } from '../accounts/user.model';
import type { AuthoringContext } from '../authoring/draft-folder';
import { BadRequest } from '../http/errors';
import { actorOf, parseForm, parseParams, parseQuery } from '../http/request';
import { adminCourseRoutes } from './admin-courses.routes';
import { auditQuerySchema, roleSchema, userParams, usersQuerySchema } from './admin.schemas';
import { auditView, usersView } from './admin.view';
import { listAuditLog } from './audit-log.service';
import { changeUserRole, listUsers } from './users.service';

const NOTICES = new Set(['role-changed', 'assigned', 'unassigned']);

/** /admin (admins only): users and roles, course staff, import problems, zip import, the audit log. */
export function adminRouter(context: AuthoringContext): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/admin', (_req, res) => res.render('admin/index', { title: res.locals.t('admin.title') }));

  router.get('/admin/users', async (req, res) => {
    const query = parseQuery(usersQuerySchema, req.query);
    const result = await listUsers(actorOf(req), { query: query.q, page: query.page });
    res.render('admin/users', {
      title: res.locals.t('admin.users.title'),
      roles,
      currentUserId: req.user?.id,
      notice: typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? `admin.notice.${req.query.notice}` : undefined,
      ...usersView(result, query.q),
    });
  });

  router.post('/admin/users/:id/role', async (req, res) => {
    const { id } = parseParams(userParams, req.params);
    const form = parseForm(roleSchema, req.body);
    if (!form.ok) throw new BadRequest();
    await changeUserRole(actorOf(req), id, form.data.role);
    res.redirect(303, `${form.data.back}&notice=role-changed`);
  });

  router.get('/admin/audit', async (req, res) => {
    const query = parseQuery(auditQuerySchema, req.query);
    const result = await listAuditLog(actorOf(req), { page: query.page, action: query.action || undefined });
    res.render('admin/audit', {
      title: res.locals.t('admin.audit.title'),
      action: query.action,
      actions: result.actions,
      ...auditView(result, query.action, res.locals.t),
    });
  });

  router.use(adminCourseRoutes(context));
  return router;
}
