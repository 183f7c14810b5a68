import { Router, type Response } from 'express';
import { withLang } from '../http/locals';
import { limitByIp } from '../http/rate-limit';
import { loginSchema } from './accounts.schemas';
import type { AccountsContext } from './accounts.context';
import { emptyForm, errorSummary, noStore, noticeKey, type FormView } from './accounts.view';
import { safeNextPath } from './auth.middleware';
import { authenticateLocal, signIn, signOut } from './passport';
import { parseForm } from '../http/request';

const FIELDS = ['email', 'password'];

type LoginPage = { form: FormView; next: string; failure?: string; notice?: string };

/** GET/POST /login and POST /logout. */
export function loginRoutes(context: AccountsContext): Router {
  const router = Router();
  const { limits, passport } = context;

  const renderLogin = (res: Response, page: LoginPage, status = 200) => {
    const t = res.locals.t;
    noStore(res);
    res.status(status).render('accounts/login', { title: t('accounts.login.title'), ...page, summary: errorSummary(page.form, FIELDS, t) });
  };

  router.get('/login', (req, res) => {
    const next = safeNextPath(req.query.next);
    if (req.user) {
      res.redirect(303, next);
      return;
    }
    renderLogin(res, { form: emptyForm(), next, notice: noticeKey(req.query.notice) });
  });

  router.post('/login', limitByIp(limits.loginIp, 'accounts.rateLimited'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(body.next);
    const parsed = parseForm(loginSchema, body);
    if (!parsed.ok) {
      renderLogin(res, { form: { values: parsed.values, errors: parsed.errors }, next }, 400);
      return;
    }
    const { email, password } = parsed.data;
    limits.loginAccount.enforce(email, res, 'accounts.rateLimited');
    // The strategy reads the body: hand it only the validated, normalised fields.
    req.body = { email, password };
    const user = await authenticateLocal(passport, req, res);
    if (!user) {
      // One message and status for unknown email, wrong password and locked account.
      renderLogin(res, { form: emptyForm({ email }), next, failure: 'accounts.login.failed' }, 401);
      return;
    }
    limits.loginAccount.reset(email);
    await signIn(req, user);
    // Switching to the user's language goes through `?lang=`, which also remembers it in the language cookie.
    const destination = user.preferredLanguage && user.preferredLanguage !== req.locale ? withLang(next, user.preferredLanguage) : next;
    res.redirect(303, destination);
  });

  router.post('/logout', async (req, res) => {
    if (req.user) await signOut(req);
    res.redirect(303, '/login?notice=signed-out');
  });

  return router;
}
