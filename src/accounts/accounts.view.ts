import type { FormValues } from '../http/request';
import type { Response } from 'express';
import type { Translate } from '../i18n/i18n';
import type { UserRecord } from './user.model';

/** What a form view needs: the values to show again and one error key per field. */
export type FormView = { values: FormValues; errors: Record<string, string> };

export function emptyForm(values: FormValues = {}): FormView {
  return { values, errors: {} };
}

/** Error summary entries (field id + message), in the order the fields appear on the page. */
export function errorSummary(form: FormView, order: string[], t: Translate): { field: string; message: string }[] {
  const fields = [...order, ...Object.keys(form.errors).filter((field) => !order.includes(field))];
  return fields.filter((field) => form.errors[field]).map((field) => ({ field, message: t(form.errors[field] ?? 'form.invalid') }));
}

/** The profile form filled from the stored account. */
export function buildProfileForm(account: Pick<UserRecord, 'name' | 'profile'>): FormView {
  const profile = account.profile ?? {};
  return emptyForm({
    name: account.name,
    companyName: profile.companyName ?? '',
    enterpriseSize: profile.enterpriseSize ?? '',
    womenOwned: profile.womenOwned === true ? 'yes' : profile.womenOwned === false ? 'no' : '',
    region: profile.region ?? '',
    sector: profile.sector ?? '',
    preferredLanguage: profile.preferredLanguage ?? '',
  });
}

/** Notices shown after a redirect, chosen from a fixed list so a query string cannot inject text. */
const NOTICES: Record<string, string> = {
  'password-reset': 'accounts.notice.passwordReset',
  'already-registered': 'accounts.notice.alreadyRegistered',
  'signed-out': 'accounts.notice.signedOut',
  'profile-saved': 'accounts.notice.profileSaved',
  'password-changed': 'accounts.notice.passwordChanged',
};

export function noticeKey(value: unknown): string | undefined {
  return typeof value === 'string' ? NOTICES[value] : undefined;
}

/** Pages with forms or one-time links are private to this browser. */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}
