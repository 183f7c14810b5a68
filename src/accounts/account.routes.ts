import { Router, type Request, type Response } from 'express';
import { withLang } from '../http/locals';
import { NotFound } from '../http/errors';
import { changePasswordSchema, profileSchema } from './accounts.schemas';
import { changePassword, findSessionUser, getAccount, updateProfile } from './accounts.service';
import type { AccountsContext } from './accounts.context';
import { buildProfileForm, emptyForm, errorSummary, noStore, noticeKey, type FormView } from './accounts.view';
import { requireUser } from './auth.middleware';
import { refreshSessionUser, signIn } from './passport';
import { enterpriseSizes } from './user.model';
import { parseForm } from '../http/request';

const PROFILE_FIELDS = ['name', 'companyName', 'enterpriseSize', 'womenOwned', 'region', 'sector', 'preferredLanguage'];
const PASSWORD_FIELDS = ['currentPassword', 'newPassword'];

/** GET/POST /account (name, profile, preferred language) and POST /account/password. */
export function accountRoutes(context: AccountsContext): Router {
  const router = Router();
  const { limits } = context;

  const renderAccount = async (req: Request, res: Response, forms: { profile?: FormView; password?: FormView }, status = 200) => {
    const t = res.locals.t;
    const account = await getAccount(req.user!.id);
    if (!account) throw new NotFound();
    const profile = forms.profile ?? buildProfileForm(account);
    const password = forms.password ?? emptyForm();
    noStore(res);
    res.status(status).render('accounts/account', {
      title: t('accounts.account.title'),
      email: account.email,
      profile,
      password,
      profileSummary: errorSummary(profile, PROFILE_FIELDS, t),
      passwordSummary: errorSummary(password, PASSWORD_FIELDS, t),
      enterpriseSizes,
      notice: noticeKey(req.query.notice),
    });
  };

  router.get('/account', requireUser, (req, res) => renderAccount(req, res, {}));

  router.post('/account', requireUser, async (req, res) => {
    const parsed = parseForm(profileSchema, req.body);
    if (!parsed.ok) {
      await renderAccount(req, res, { profile: { values: parsed.values, errors: parsed.errors } }, 400);
      return;
    }
    await updateProfile(req.user!.id, parsed.data);
    const updated = await findSessionUser(req.user!.id);
    if (updated) refreshSessionUser(req, updated);
    const target = '/account?notice=profile-saved';
    res.redirect(303, parsed.data.preferredLanguage ? withLang(target, parsed.data.preferredLanguage) : target);
  });

  router.post('/account/password', requireUser, async (req, res) => {
    const user = req.user!;
    limits.loginAccount.enforce(user.email, res, 'accounts.rateLimited');
    const parsed = parseForm(changePasswordSchema, req.body);
    if (!parsed.ok) {
      await renderAccount(req, res, { password: { values: {}, errors: parsed.errors } }, 400);
      return;
    }
    const changed = await changePassword(user.id, parsed.data.currentPassword, parsed.data.newPassword, req.sessionID);
    if (!changed) {
      await renderAccount(req, res, { password: { values: {}, errors: { currentPassword: 'accounts.password.incorrect' } } }, 400);
      return;
    }
    // Other sessions were ended; this one gets a new id too.
    const fresh = await findSessionUser(user.id);
    if (fresh) await signIn(req, fresh);
    res.redirect(303, '/account?notice=password-changed');
  });

  return router;
}
