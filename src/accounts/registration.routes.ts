import { Router, type Response } from 'express';
import { limitByIp } from '../http/rate-limit';
import { registerSchema } from './accounts.schemas';
import { findSessionUser } from './accounts.service';
import type { AccountsContext } from './accounts.context';
import { emptyForm, errorSummary, noStore, type FormView } from './accounts.view';
import { DEFAULT_AFTER_LOGIN } from './auth.middleware';
import { signIn } from './passport';
import { confirmRegistration, isRegistrationTokenValid, requestRegistration } from './registration.service';
import { parseForm } from '../http/request';

const FIELDS = ['name', 'email', 'password'];

/** GET/POST /register and GET/POST /register/confirm/:token. */
export function registrationRoutes(context: AccountsContext): Router {
  const router = Router();
  const { limits } = context;

  const renderForm = (res: Response, form: FormView, status = 200) => {
    const t = res.locals.t;
    noStore(res);
    res.status(status).render('accounts/register', { title: t('accounts.register.title'), form, summary: errorSummary(form, FIELDS, t) });
  };

  router.get('/register', (req, res) => {
    if (req.user) {
      res.redirect(303, DEFAULT_AFTER_LOGIN);
      return;
    }
    renderForm(res, emptyForm());
  });

  router.post('/register', limitByIp(limits.registerIp, 'accounts.rateLimited'), (req, res) => {
    const parsed = parseForm(registerSchema, req.body);
    if (!parsed.ok) {
      renderForm(res, { values: parsed.values, errors: parsed.errors }, 400);
      return;
    }
    limits.registerAccount.enforce(parsed.data.email, res, 'accounts.rateLimited');
    // Same page for new and known emails; the work (and its timing) happens after the response.
    context.inBackground('registration', () => requestRegistration(parsed.data, context.mailContext(req.locale)));
    const t = res.locals.t;
    noStore(res);
    res.render('accounts/register-sent', { title: t('accounts.registerSent.title'), email: parsed.data.email });
  });

  router.get('/register/confirm/:token', limitByIp(limits.tokenIp, 'accounts.rateLimited'), async (req, res) => {
    const t = res.locals.t;
    noStore(res);
    res.set('Referrer-Policy', 'no-referrer');
    if (!(await isRegistrationTokenValid(String(req.params.token)))) {
      res.status(400).render('accounts/link-invalid', { title: t('accounts.linkInvalid.title'), retryHref: '/register' });
      return;
    }
    res.render('accounts/register-confirm', { title: t('accounts.registerConfirm.title'), action: req.originalUrl.split('?')[0] });
  });

  router.post('/register/confirm/:token', limitByIp(limits.tokenIp, 'accounts.rateLimited'), async (req, res) => {
    const t = res.locals.t;
    const result = await confirmRegistration(String(req.params.token));
    if (result.status === 'invalid') {
      noStore(res);
      res.status(400).render('accounts/link-invalid', { title: t('accounts.linkInvalid.title'), retryHref: '/register' });
      return;
    }
    if (result.status === 'exists') {
      res.redirect(303, '/login?notice=already-registered');
      return;
    }
    const user = await findSessionUser(result.userId);
    if (user) await signIn(req, user);
    res.redirect(303, DEFAULT_AFTER_LOGIN);
  });

  return router;
}
