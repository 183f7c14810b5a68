import { Router } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import { countWaitingMessages, listFailedMessages } from '../mail/outbox.service';

const stamp = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16);

/** /admin/mail (admins only): mail whose last retry failed, and the outbox's backlog (src/mail, docs/mail.md). */
export function adminMailRouter(): Router {
  const router = Router();
  router.get('/admin/mail', requireRole('admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const [failed, waiting] = await Promise.all([listFailedMessages(), countWaitingMessages()]);
    const t = res.locals.t;
    res.render('admin/mail', {
      title: t('mail.admin.title'),
      waiting,
      failed: failed.map((message) => ({ ...message, failedAt: stamp(message.failedAt), kind: t(`mail.category.${message.category}`) })),
    });
  });
  return router;
}
