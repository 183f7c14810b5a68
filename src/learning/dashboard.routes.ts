import { Router } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import { readinessCheckOf } from '../readiness/readiness-store';
import { getDashboard } from './dashboard.service';
import { buildDashboardView } from './dashboard.view';

export const dashboardRouter = Router();

dashboardRouter.get('/dashboard', requireUser, async (req, res) => {
  const dashboard = await getDashboard(req.user!.id, { check: await readinessCheckOf(req.app), pending: req.session.readinessPending });
  res.set('Cache-Control', 'no-store');
  res.render('dashboard/index', {
    // An unsaved readiness result from before sign-in: offered for saving whatever the next step is.
    readinessPending: Boolean(req.session.readinessPending),
    ...(await buildDashboardView(
      dashboard,
      { name: req.user!.name, id: req.user!.id },
      res.locals.contentLang,
      res.locals.t,
      res.locals.locale,
    )),
  });
});
