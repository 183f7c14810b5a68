import { Router, type Response } from 'express';
import { limitByIp } from '../http/rate-limit';
import { forgotPasswordSchema, resetPasswordSchema } from './accounts.schemas';
import type { AccountsContext } from './accounts.context';
import { emptyForm, errorSummary, noStore, type FormView } from './accounts.view';
import { isResetTokenValid, requestPasswordReset, resetPassword } from './password-reset.service';
import { parseForm } from '../http/request';

/** GET/POST /password/forgot and GET/POST /password/reset/:token. */
export function passwordRoutes(context: AccountsContext): Router {
  const router = Router();
  const { limits } = context;

  const render = (res: Response, view: string, titleKey: string, locals: Record<string, unknown> = {}, status = 200) => {
    const t = res.locals.t;
    noStore(res);
    res.status(status).render(view, { title: t(titleKey), ...locals });
  };
  const renderForgot = (res: Response, form: FormView, status = 200) =>
    render(
      res,
      'accounts/password-forgot',
      'accounts.forgot.title',
      { form, summary: errorSummary(form, ['email'], res.locals.t) },
      status,
    );
  const renderReset = (res: Response, action: string, form: FormView, status = 200) => {
    // The token is in the URL: never send it to another site in a Referer header.
    res.set('Referrer-Policy', 'no-referrer');
    render(
      res,
      'accounts/password-reset',
      'accounts.reset.title',
      { form, action, summary: errorSummary(form, ['password'], res.locals.t) },
      status,
    );
  };
  const renderInvalid = (res: Response) =>
    render(res, 'accounts/link-invalid', 'accounts.linkInvalid.title', { retryHref: '/password/forgot' }, 400);

  router.get('/password/forgot', (_req, res) => renderForgot(res, emptyForm()));

  router.post('/password/forgot', limitByIp(limits.resetIp, 'accounts.rateLimited'), (req, res) => {
    const parsed = parseForm(forgotPasswordSchema, req.body);
    if (!parsed.ok) {
      renderForgot(res, { values: parsed.values, errors: parsed.errors }, 400);
      return;
    }
    const { email } = parsed.data;
    limits.resetAccount.enforce(email, res, 'accounts.rateLimited');
    // Answer first, look up later: known and unknown emails get the same page in the same time.
    context.inBackground('password reset request', () => requestPasswordReset(email, context.mailContext(req.locale)));
    render(res, 'accounts/password-forgot-sent', 'accounts.forgotSent.title', { email });
  });

  router.get('/password/reset/:token', limitByIp(limits.tokenIp, 'accounts.rateLimited'), async (req, res) => {
    if (!(await isResetTokenValid(String(req.params.token)))) {
      renderInvalid(res);
      return;
    }
    renderReset(res, req.originalUrl.split('?')[0] ?? '/password/forgot', emptyForm());
  });

  router.post('/password/reset/:token', limitByIp(limits.tokenIp, 'accounts.rateLimited'), async (req, res) => {
    const token = String(req.params.token);
    const parsed = parseForm(resetPasswordSchema, req.body);
    if (!parsed.ok) {
      if (!(await isResetTokenValid(token))) {
        renderInvalid(res);
        return;
      }
      renderReset(res, req.originalUrl.split('?')[0] ?? '/password/forgot', { values: parsed.values, errors: parsed.errors }, 400);
      return;
    }
    if (!(await resetPassword(token, parsed.data.password))) {
      renderInvalid(res);
      return;
    }
    res.redirect(303, '/login?notice=password-reset');
  });

  return router;
}
