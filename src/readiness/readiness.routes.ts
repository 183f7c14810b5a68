import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import { NotFound, ServiceUnavailable } from '../http/errors';
import { FixedWindowLimiter, limitByIp } from '../http/rate-limit';
import { renderReadinessPlanPdf } from './readiness-pdf';
import { readAnswers, scoreAnswers } from './readiness-score';
import { readinessCheckOf } from './readiness-store';
import type { ReadinessCheck } from './readiness-types';
import { progressSince, resultHistory, saveResult, type PendingResult } from './readiness.service';
import { buildFormView, buildResultView, formatDay, type ResultSource } from './readiness.view';
import { pageContext, wantsJson } from '../http/request';

const ATTEMPT_KEY = /^[A-Za-z0-9_-]{16,64}$/;
const newAttemptKey = () => randomBytes(18).toString('base64url');

async function requireCheck(req: Request): Promise<ReadinessCheck> {
  const check = await readinessCheckOf(req.app);
  if (!check) throw new ServiceUnavailable('readiness.unavailable');
  return check;
}

/** The result a page shows: this session's unsaved one first (it is the newest), else the learner's latest saved. */
async function currentResult(req: Request, check: ReadinessCheck): Promise<(ResultSource & { isPending: boolean }) | undefined> {
  const pending = req.session.readinessPending;
  if (pending) return { score: scoreAnswers(check, pending.answers), takenAt: new Date(pending.takenAt), isPending: true };
  if (!req.user) return undefined;
  const [latest, previous] = await resultHistory(req.user.id, 2);
  if (!latest) return undefined;
  return {
    score: scoreAnswers(check, latest.answers),
    takenAt: latest.takenAt,
    isPending: false,
    ...(previous ? { progress: progressSince(latest, previous) } : {}),
  };
}

/**
 * Writes the session before a redirect: express-session's own save at the end of the response can land after the
 * browser has followed the redirect, which would then read the old session (the result page showing a result as
 * still unsaved: found by the browser journey).
 */
function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error) : resolve())));
}

/** The readiness check: open to everyone; results kept for signed-in learners, in the session for visitors. */
export function readinessRouter(): Router {
  const router = Router();
  // Scoring is cheap, but each anonymous submission writes a session: bounded per client.
  const submissions = new FixedWindowLimiter('readiness-submit-ip', 30, 10 * 60 * 1000);
  const pdfs = new FixedWindowLimiter('readiness-pdf-ip', 30, 10 * 60 * 1000);

  router.use('/readiness', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/readiness', async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t } = pageContext(res);
    res.render('readiness/form', buildFormView(check, lang, t, { submissionKey: newAttemptKey() }));
  });

  router.post('/readiness', limitByIp(submissions), async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t } = pageContext(res);
    const body = req.body as Record<string, unknown>;
    const key = typeof body.submissionKey === 'string' && ATTEMPT_KEY.test(body.submissionKey) ? body.submissionKey : newAttemptKey();
    const { answers, missing, unknown } = readAnswers(check, body);
    if (missing.length > 0 || unknown.length > 0) {
      const view = buildFormView(check, lang, t, { submissionKey: key, answers, missing, unknown });
      if (wantsJson(req)) {
        res.status(422).json({
          error: { status: 422, message: t('readiness.errorsTitle'), details: view.errors.map((error) => error.text), missing, unknown },
        });
        return;
      }
      res.status(422).render('readiness/form', view);
      return;
    }
    const pending: PendingResult = { attemptKey: key, takenAt: Date.now(), answers };
    if (req.user) await saveResult(req.user.id, check, pending);
    else {
      req.session.readinessPending = pending;
      await saveSession(req);
    }
    res.redirect(303, '/readiness/result');
  });

  router.get('/readiness/result', async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t, locale } = pageContext(res);
    const result = await currentResult(req, check);
    if (!result) {
      if (!req.user) return res.redirect(303, '/readiness');
      return res.render('readiness/none', { title: t('readiness.result.title') });
    }
    res.render('readiness/result', {
      ...(await buildResultView(check, result, lang, t, locale)),
      isPending: result.isPending,
      isSignedIn: Boolean(req.user),
      isSaved: req.query.saved === '1' && !result.isPending,
      loginHref: `/login?next=${encodeURIComponent('/readiness/result')}`,
    });
  });

  router.get('/readiness/plan.pdf', limitByIp(pdfs), async (req, res) => {
    const check = await requireCheck(req);
    const result = await currentResult(req, check);
    if (!result) throw new NotFound();
    const pdf = await renderReadinessPlanPdf({ check, source: result, name: req.user?.name });
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'attachment; filename="readiness-action-plan.pdf"',
      'Content-Length': String(pdf.length),
    });
    res.send(pdf);
  });

  router.post('/readiness/save', async (req, res) => {
    const check = await requireCheck(req);
    if (!req.user) return res.redirect(303, `/login?next=${encodeURIComponent('/readiness/result')}`);
    const pending = req.session.readinessPending;
    if (!pending) return res.redirect(303, '/readiness/result');
    await saveResult(req.user.id, check, pending);
    delete req.session.readinessPending;
    await saveSession(req);
    res.redirect(303, '/readiness/result?saved=1');
  });

  router.get('/readiness/history', requireUser, async (req, res) => {
    const check = await requireCheck(req);
    const { lang, t, locale } = pageContext(res);
    const rows = await resultHistory(req.user!.id, 50);
    const levels = new Map(check.levels.map((level) => [level.id, level.label[lang]]));
    res.render('readiness/history', {
      title: t('readiness.history.title'),
      areas: check.areas.map((area) => ({ id: area.id, title: area.title[lang] })),
      rows: rows.map((row) => ({
        date: formatDay(row.takenAt, locale),
        level: levels.get(row.level) ?? row.level,
        overall: row.overall,
        areas: new Map(row.areas.map((area) => [area.area, area.percent])),
      })),
    });
  });

  return router;
}

/** For the dashboard: has this browser session an unsaved result? */
export function hasPendingResult(req: Request): boolean {
  return Boolean(req.session?.readinessPending);
}
