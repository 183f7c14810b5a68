import { Router } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import type { AuthoringContext } from '../authoring/draft-folder';
import { actorOf } from '../http/request';
import { BadRequest, NotFound } from '../http/errors';
import { adminCourseRoutes } from './admin-courses.routes';
import { auditQuerySchema, roleSchema, usersQuerySchema } from './admin.schemas';
import { listAuditLog } from './audit-log.service';
import { changeUserRole, listUsers } from './users.service';
import { roles } from '../accounts/user.model';

const NOTICES = new Set(['role-changed', 'assigned', 'unassigned']);

function pageLinks(base: string, params: Record<string, string>, page: number, pageCount: number) {
  const href = (n: number) =>
    `${base}?${new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter(([, v]) => v)), page: String(n) }).toString()}`;
  return { page, pageCount, previous: page > 1 ? href(page - 1) : undefined, next: page < pageCount ? href(page + 1) : undefined };
}

/** /admin (admins only): users and roles, course staff, import problems, zip import, the audit log. */
export function adminRouter(context: AuthoringContext): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/admin', (_req, res) => res.render('admin/index', { title: res.locals.t('admin.title') }));

  router.get('/admin/users', async (req, res) => {
    const parsedQuery = usersQuerySchema.safeParse(req.query);
    const query = parsedQuery.success ? parsedQuery.data : { q: '', page: 1 };
    const result = await listUsers(actorOf(req), { query: query.q, page: query.page });
    const back = `/admin/users?${new URLSearchParams({ q: query.q, page: String(result.page) }).toString()}`;
    res.render('admin/users', {
      title: res.locals.t('admin.users.title'),
      q: query.q,
      total: result.total,
      roles,
      back,
      currentUserId: req.user?.id,
      notice: typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? `admin.notice.${req.query.notice}` : undefined,
      users: result.users.map((user) => ({
        ...user,
        action: `/admin/users/${user.id}/role`,
        createdAt: user.createdAt?.toISOString().slice(0, 10),
      })),
      pager: pageLinks('/admin/users', { q: query.q }, result.page, result.pageCount),
    });
  });

  router.post('/admin/users/:id/role', async (req, res) => {
    const parsed = roleSchema.safeParse(req.body);
    if (!parsed.success) throw new BadRequest();
    const id = String(req.params.id);
    if (!/^[a-f0-9]{24}$/.test(id)) throw new NotFound();
    await changeUserRole(actorOf(req), id, parsed.data.role);
    const back = typeof (req.body as Record<string, unknown>).back === 'string' ? String((req.body as Record<string, unknown>).back) : '';
    res.redirect(303, `${/^\/admin\/users\?[A-Za-z0-9=&%._+-]*$/.test(back) ? back : '/admin/users?'}&notice=role-changed`);
  });

  router.get('/admin/audit', async (req, res) => {
    const parsed = auditQuerySchema.safeParse(req.query);
    const query = parsed.success ? parsed.data : { page: 1, action: '' };
    const result = await listAuditLog(actorOf(req), { page: query.page, action: query.action || undefined });
    res.render('admin/audit', {
      title: res.locals.t('admin.audit.title'),
      action: query.action,
      actions: result.actions,
      entries: result.entries.map((entry) => ({
        at: entry.createdAt.toISOString().replace('T', ' ').slice(0, 19),
        action: entry.action,
        target: `${entry.targetType}:${entry.targetId}`,
        actor: entry.actorName ? `${entry.actorName} <${entry.actorEmail ?? ''}>` : (entry.actorId ?? res.locals.t('admin.audit.system')),
        before: entry.before ? JSON.stringify(entry.before) : '',
        after: entry.after ? JSON.stringify(entry.after) : '',
      })),
      pager: pageLinks('/admin/audit', { action: query.action }, result.page, result.pageCount),
    });
  });

  router.use(adminCourseRoutes(context));
  return router;
}
