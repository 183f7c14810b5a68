import { Router } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import type { Translate } from '../i18n/i18n';
import { getDashboard } from './dashboard.service';
import { buildDashboardView } from './dashboard.view';

export const dashboardRouter = Router();

dashboardRouter.get('/dashboard', requireUser, async (req, res) => {
  const dashboard = await getDashboard(req.user!.id);
  res.set('Cache-Control', 'no-store');
  res.render(
    'dashboard/index',
    await buildDashboardView(
      dashboard,
      { name: req.user!.name, id: req.user!.id },
      res.locals.contentLang,
      res.locals.t as Translate,
      res.locals.locale,
    ),
  );
});
