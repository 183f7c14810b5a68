import { Router, type Request, type Response } from 'express';
import type { AccountsContext } from '../accounts/accounts.context';
import { onAccountCreated } from '../accounts/account-events';
import { requireRole } from '../accounts/auth.middleware';
import { BadRequest, NotFound } from '../http/errors';
import { FixedWindowLimiter } from '../http/rate-limit';
import type { Locale } from '../i18n/i18n';
import { failedMessagesForCohort } from '../mail/outbox.service';
import { acceptFiles, uploadedFiles } from '../uploads/upload.middleware';
import type { CohortDoc } from './cohort.model';
import { readinessCheckOf } from '../readiness/readiness-store';
import { csvDocument } from '../reports/report-csv';
import { acceptInvitationsForAddress, inviteAddresses, planReminders, sendReminders } from './cohort-mail.service';
import { buildRoster, sortRoster } from './cohort-roster.service';
import { cohortParams, createCohortForm, inviteForm, MAX_ADDRESSES, memberParams, parseAddresses, rosterQuery } from './cohorts.schemas';
import {
  closeJoinLink,
  cohortCourseOptions,
  createCohort,
  currentJoinLink,
  listCohorts,
  removeMember,
  requireManagedCohort,
} from './cohorts.service';
import { cohortJoinRoutes } from './cohort-join.routes';
import { listLearnerCohorts } from './cohort-membership';
import {
  buildCohortListView,
  buildLearnerCohortsView,
  buildNewCohortView,
  buildRemindersView,
  buildRosterView,
  rosterTable,
} from './cohorts.view';
import { actorOf, parseParams } from '../http/request';

const MINUTE = 60_000;
const staffOnly = requireRole('trainer', 'admin');

/** The cohort the CSV route's first handler loaded and checked. */
function loadedCohort(res: Response): CohortDoc {
  if (!res.locals.cohort) throw new NotFound();
  return res.locals.cohort;
}

/** A registration confirmed: the address's open cohort invitations make it a member (registered once per process). */
const joinInvitedCohorts = ({ userId, email }: { userId: string; email: string }) => acceptInvitationsForAddress(userId, email);

/** /cohorts (trainers for their own cohorts, admins for all), /join/<code> and /invitations/<token> (anyone signed in). */
export function cohortsRouter(accounts: Pick<AccountsContext, 'mailer' | 'config' | 'inBackground'>): Router {
  onAccountCreated(joinInvitedCohorts);
  const router = Router();
  const limits = {
    invite: new FixedWindowLimiter('cohort-invite-user', 20, 60 * MINUTE),
    remind: new FixedWindowLimiter('cohort-remind-user', 30, 60 * MINUTE),
  };
  const mailContext = (req: Request) => ({ mailer: accounts.mailer, baseUrl: accounts.config.baseUrl, locale: req.locale as Locale });

  // The dashboard (learning) lists the learner's cohorts: added to its locals here, so learning does not depend on cohorts.
  router.use('/dashboard', async (req, res, next) => {
    if (req.method === 'GET' && req.path === '/' && req.user) {
      res.locals.learnerCohorts = await buildLearnerCohortsView(await listLearnerCohorts(req.user.id), res.locals.contentLang);
    }
    next();
  });

  router.use('/cohorts', staffOnly, (_req, res, next) => {
    // Rosters show personal data: never cached.
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/cohorts', async (req, res) => {
    res.render('cohorts/index', buildCohortListView(await listCohorts(actorOf(req)), res.locals.contentLang, res.locals.t));
  });

  router.get('/cohorts/new', async (req, res) => {
    res.render('cohorts/new', buildNewCohortView(await cohortCourseOptions(actorOf(req)), {}, [], res.locals.contentLang, res.locals.t));
  });

  router.post('/cohorts/new', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const result = createCohortForm.safeParse(body);
    if (!result.success) {
      const options = await cohortCourseOptions(actorOf(req));
      const errors = result.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'name'), key: issue.message }));
      res.status(422).render('cohorts/new', buildNewCohortView(options, body, errors, res.locals.contentLang, res.locals.t));
      return;
    }
    const cohort = await createCohort(actorOf(req), result.data);
    res.redirect(303, `/cohorts/${String(cohort._id)}`);
  });

  router.get('/cohorts/:id', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const query = rosterQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest('cohorts.roster.badSort');
    const cohort = await requireManagedCohort(actorOf(req), id);
    const [roster, link, failed, check] = await Promise.all([
      buildRoster(cohort),
      currentJoinLink(cohort),
      failedMessagesForCohort(id, 20),
      readinessCheckOf(req.app),
    ]);
    roster.rows = sortRoster(roster.rows, query.data.sort ?? 'name', query.data.dir ?? 'asc');
    const notice = typeof req.query.done === 'string' ? req.query.done : undefined;
    const count = typeof req.query.count === 'string' && /^\d{1,4}$/.test(req.query.count) ? Number(req.query.count) : 0;
    res.render(
      'cohorts/show',
      buildRosterView({
        cohort,
        roster,
        link,
        query: query.data,
        notice,
        count,
        failed,
        levelLabels: new Map((check?.levels ?? []).map((level) => [level.id, level.label[res.locals.contentLang]])),
        baseUrl: accounts.config.baseUrl,
        lang: res.locals.contentLang,
        t: res.locals.t,
        locale: res.locals.locale,
      }),
    );
  });

  router.get('/cohorts/:id/members.csv', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const query = rosterQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest('cohorts.roster.badSort');
    const cohort = await requireManagedCohort(actorOf(req), id);
    const roster = await buildRoster(cohort);
    roster.rows = sortRoster(roster.rows, query.data.sort ?? 'name', query.data.dir ?? 'asc');
    const table = rosterTable(roster, res.locals.contentLang, res.locals.t);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="cohort-${id}-members.csv"` });
    res.send(csvDocument(table.header, table.rows));
  });

  /**
   * Invites the addresses in `text` (pasted, or a CSV file's contents). Bad input re-renders the page with the text
   * and what was wrong (422). Otherwise it answers before anything is looked up, the same way for every address: the
   * trainer learns nothing about which addresses have accounts, from the page or from its timing.
   */
  async function invite(req: Request, res: Response, cohort: CohortDoc, text: string | undefined, fileError?: string) {
    const actor = actorOf(req);
    const form = inviteForm.safeParse({ emails: text ?? '' });
    const parsed = parseAddresses(form.success ? form.data.emails : '');
    const error =
      fileError ??
      (!form.success
        ? form.error.issues[0]?.message
        : parsed.invalid.length
          ? 'cohorts.invite.invalid'
          : parsed.addresses.length === 0
            ? 'cohorts.invite.none'
            : parsed.addresses.length > MAX_ADDRESSES
              ? 'cohorts.invite.tooMany'
              : undefined);
    if (error) {
      const [roster, link] = await Promise.all([buildRoster(cohort), currentJoinLink(cohort)]);
      res.status(422).render(
        'cohorts/show',
        buildRosterView({
          cohort,
          roster,
          link,
          query: {},
          baseUrl: accounts.config.baseUrl,
          lang: res.locals.contentLang,
          t: res.locals.t,
          locale: res.locals.locale,
          invite: { value: (text ?? '').slice(0, 100_000), error: res.locals.t(error, { list: parsed.invalid.join(', ') }) },
        }),
      );
      return;
    }
    const context = mailContext(req);
    accounts.inBackground('cohort invitations', () => inviteAddresses(actor, cohort, parsed.addresses, context));
    res.redirect(303, `/cohorts/${String(cohort._id)}?done=invited&count=${parsed.addresses.length}`);
  }

  router.post('/cohorts/:id/invite', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const cohort = await requireManagedCohort(actorOf(req), id);
    limits.invite.enforce(req.user!.id, res);
    await invite(req, res, cohort, typeof req.body.emails === 'string' ? req.body.emails : undefined);
  });

  // A CSV (or text) file of addresses: read in memory (200 KB at most), refused unless it is UTF-8 text.
  const csvUpload = acceptFiles({ field: 'file', maxFiles: 1, maxFileBytes: 200 * 1024, maxRequestBytes: 200 * 1024 });
  router.post(
    '/cohorts/:id/invite/csv',
    async (req, res, next) => {
      const { id } = parseParams(cohortParams, req.params);
      res.locals.cohort = await requireManagedCohort(actorOf(req), id);
      limits.invite.enforce(req.user!.id, res);
      next();
    },
    csvUpload,
    async (req, res) => {
      const file = uploadedFiles(req)[0]!;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(file.buffer).replace(/^\uFEFF/, '');
      const isText = !text.includes('\uFFFD') && !text.includes('\u0000');
      await invite(req, res, loadedCohort(res), isText ? text : '', isText ? undefined : 'cohorts.invite.badFile');
    },
  );

  router.post('/cohorts/:id/members/:userId/remove', async (req, res) => {
    const { id, userId } = parseParams(memberParams, req.params);
    await removeMember(actorOf(req), id, userId);
    res.redirect(303, `/cohorts/${id}?done=removed`);
  });

  router.get('/cohorts/:id/reminders', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const plan = await planReminders(actorOf(req), id);
    res.render(
      'cohorts/reminders',
      buildRemindersView(plan, req.locale as Locale, accounts.config.baseUrl, res.locals.contentLang, res.locals.t),
    );
  });

  router.post('/cohorts/:id/reminders', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const actor = actorOf(req);
    await requireManagedCohort(actor, id);
    limits.remind.enforce(actor.id, res);
    const sent = await sendReminders(actor, id, mailContext(req));
    res.redirect(303, `/cohorts/${id}?done=reminded&count=${sent}`);
  });

  for (const action of ['close', 'rotate'] as const) {
    router.post(`/cohorts/:id/link/${action}`, async (req, res) => {
      const { id } = parseParams(cohortParams, req.params);
      await closeJoinLink(actorOf(req), id, action === 'rotate');
      res.redirect(303, `/cohorts/${id}?done=${action === 'rotate' ? 'rotated' : 'closed'}`);
    });
  }

  router.use(cohortJoinRoutes());

  return router;
}
