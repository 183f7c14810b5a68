import { Router, type Request, type Response } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import { FixedWindowLimiter, limitByIp } from '../http/rate-limit';
import { acceptInvitation, cohortForInvitation } from './cohort-mail.service';
import { invitationParams, joinParams } from './cohorts.schemas';
import { addMember, cohortForCode, isMember } from './cohorts.service';
import { buildJoinView } from './cohorts.view';
import type { CohortDoc } from './cohort.model';
import { parseParams } from '../http/request';

/**
 * /join/<code> and /invitations/<token>: anyone sees the cohort (and is asked to sign in or register), a signed-in
 * user joins. Limited per IP: the codes are unguessable, this only stops floods.
 */
export function cohortJoinRoutes(): Router {
  const router = Router();
  const joinLimit = limitByIp(new FixedWindowLimiter('cohort-join-ip', 120, 15 * 60_000));

  /** The cohort a link or an invitation leads to: what it is, and a button to join (or to sign in first). */
  async function renderJoinPage(req: Request, res: Response, cohort: CohortDoc, action: string, kind: 'link' | 'invitation') {
    const member = req.user ? await isMember(cohort._id, req.user.id) : false;
    res.set('Cache-Control', 'no-store');
    const view = await buildJoinView(
      cohort,
      { action, isSignedIn: Boolean(req.user), isMember: member, kind },
      res.locals.contentLang,
      res.locals.t,
    );
    res.render('cohorts/join', view);
  }

  router.get('/join/:code', joinLimit, async (req, res) => {
    const { code } = parseParams(joinParams, req.params);
    await renderJoinPage(req, res, await cohortForCode(code), `/join/${code}`, 'link');
  });

  router.post('/join/:code', joinLimit, requireUser, async (req, res) => {
    const { code } = parseParams(joinParams, req.params);
    const cohort = await cohortForCode(code);
    await addMember(cohort, req.user!.id, 'link');
    res.redirect(303, '/dashboard');
  });

  router.get('/invitations/:token', joinLimit, async (req, res) => {
    const { token } = parseParams(invitationParams, req.params);
    await renderJoinPage(req, res, await cohortForInvitation(token), `/invitations/${token}`, 'invitation');
  });

  router.post('/invitations/:token', joinLimit, requireUser, async (req, res) => {
    const { token } = parseParams(invitationParams, req.params);
    await acceptInvitation(token, req.user!.id);
    res.redirect(303, '/dashboard');
  });

  return router;
}
