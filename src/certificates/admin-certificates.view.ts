import type { FormValues } from '../http/request';
import type { AuditEntryDoc } from '../audit/audit.model';
import type { Locale, Translate } from '../i18n/i18n';
import { ADMIN_PAGE_SIZE } from './certificate-admin.service';
import { formatCode } from './certificate-code';
import { formatDate, isoDate } from './certificate-format';
import { revocationReasons, type CertificateDoc } from './certificate.model';

export type FormState = { values: FormValues; errors: Record<string, string> };
export type AdminForms = { notice?: 'revoked' | 'corrected'; revoke?: FormState; correct?: FormState };

const listHref = (q: string, page: number) => {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `/admin/certificates${query ? `?${query}` : ''}`;
};

/** The admin list: one row per certificate, and links to the neighbouring pages. */
export function buildAdminListView(
  result: { items: CertificateDoc[]; page: number; hasNext: boolean },
  q: string,
  t: Translate,
  locale: Locale,
) {
  const from = (result.page - 1) * ADMIN_PAGE_SIZE + 1;
  return {
    title: t('admin.certificates.title'),
    q,
    summary: result.items.length ? t('admin.certificates.results', { page: result.page, from, to: from + result.items.length - 1 }) : '',
    rows: result.items.map((doc) => ({
      serial: doc.serial,
      href: `/admin/certificates/${doc.serial}`,
      holder: doc.holderName,
      course: locale === 'zh-CN' ? doc.courseTitle.zh : doc.courseTitle.en,
      issued: formatDate(doc.issuedAt, locale),
      issuedIso: isoDate(doc.issuedAt),
      status: doc.status,
      statusLabel: t(`certificates.status.${doc.status}`),
    })),
    previousHref: result.page > 1 ? listHref(q, result.page - 1) : '',
    nextHref: result.hasNext ? listHref(q, result.page + 1) : '',
  };
}

function errorsOf(form: FormState | undefined, t: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(form?.errors ?? {}).map(([field, key]) => [field, t(key)]));
}

/** One certificate for administrators: its public record, its history, and the revoke and correct forms. */
export function buildAdminShowView(doc: CertificateDoc, history: AuditEntryDoc[], forms: AdminForms, t: Translate, locale: Locale) {
  const date = (value: Date | null | undefined) => (value ? formatDate(value, locale) : '');
  const revokeErrors = errorsOf(forms.revoke, t);
  const correctErrors = errorsOf(forms.correct, t);
  return {
    title: `${t('admin.certificates.title')}: ${doc.serial}`,
    problem: Object.values({ ...revokeErrors, ...correctErrors })[0] ?? '',
    serial: doc.serial,
    notice: forms.notice ? t(`admin.certificates.${forms.notice}`, { serial: doc.supersededBy ?? '' }) : '',
    isValid: doc.status === 'valid',
    rows: [
      { label: t('verify.field.status'), value: t(`certificates.status.${doc.status}`) },
      { label: t('verify.field.holder'), value: doc.holderName },
      { label: t('verify.field.course'), value: `${doc.courseTitle.en} / ${doc.courseTitle.zh} (${doc.courseVersion})` },
      { label: t('verify.field.completedAt'), value: date(doc.completedAt) },
      { label: t('verify.field.issuedAt'), value: date(doc.issuedAt) },
      { label: t('verify.field.code'), value: formatCode(doc.code) },
      ...(doc.status === 'revoked'
        ? [
            { label: t('verify.field.revokedAt'), value: date(doc.revokedAt) },
            { label: t('verify.field.reason'), value: t(`certificates.reason.${doc.revocationReason ?? 'other'}`) },
            { label: t('admin.certificates.revoke.note'), value: doc.revocationNote ?? '' },
          ]
        : []),
    ],
    supersededBy: doc.supersededBy ? { serial: doc.supersededBy, href: `/admin/certificates/${doc.supersededBy}` } : null,
    supersedes: doc.supersedes ? { serial: doc.supersedes, href: `/admin/certificates/${doc.supersedes}` } : null,
    verifyHref: new URL(doc.verifyUrl).pathname,
    pdfHref: `/certificates/${doc.serial}.pdf`,
    reasons: revocationReasons.map((reason) => ({
      value: reason,
      label: t(`certificates.reason.${reason}`),
      selected: forms.revoke?.values.reason === reason,
    })),
    revoke: { note: forms.revoke?.values.note ?? '', errors: revokeErrors },
    correct: { name: forms.correct?.values.name ?? doc.holderName, errors: correctErrors },
    history: history.map((entry) => ({
      action: entry.action,
      at: entry.createdAt.toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      actor: entry.actorId ?? 'system',
    })),
  };
}
