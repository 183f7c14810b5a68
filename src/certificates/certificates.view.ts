import type { AssessmentTerms } from '../courses/assessment-terms';
import type { Locale, Translate } from '../i18n/i18n';
import { formatDate, isoDate } from './certificate-format';
import type { CertificateView } from './certificate-view';
import type { FileVerdict, Verification, VerificationStatus } from './verification.service';

export type CodeProblem = 'typo' | 'malformed';
export type VerifyOutcome = Verification | { status: CodeProblem; certificate: null };

export type VerificationJson = {
  status: VerificationStatus | CodeProblem;
  holder: string | null;
  course: { slug: string; version: number; title: { en: string; zh: string } } | null;
  completedAt: string | null;
  issuedAt: string | null;
  issuer: string | null;
  serial: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  supersededBy: string | null;
  signature: { alg: string; kid: string; value: string } | null;
  /** With `integrity_error`: which check failed (see status-log.service.ts), e.g. `database_older`. */
  integrity: string | null;
  /** The assessment terms of the course version the certificate was issued for (see assessment-terms.ts). */
  assessment: AssessmentTerms | null;
};

/** The JSON twin of a verification page: always the same keys, null where there is nothing to say. */
export function verificationJson(outcome: VerifyOutcome): VerificationJson {
  const c = outcome.certificate;
  const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);
  return {
    status: outcome.status,
    holder: c?.holderName ?? null,
    course: c ? { slug: c.courseSlug, version: c.courseVersion, title: { en: c.courseTitle.en, zh: c.courseTitle.zh } } : null,
    completedAt: iso(c?.completedAt),
    issuedAt: iso(c?.issuedAt),
    issuer: c?.issuer ?? null,
    serial: c?.serial ?? null,
    revokedAt: iso(c?.revokedAt),
    revocationReason: c?.revocationReason ?? null,
    supersededBy: c?.supersededBy ?? null,
    signature: c ? { alg: c.signature.alg, kid: c.signature.kid, value: c.signature.value } : null,
    integrity: ('integrity' in outcome ? outcome.integrity : null) ?? null,
    assessment: (c && 'assessment' in outcome ? outcome.assessment : null) ?? null,
  };
}

type Row = { label: string; value: string; lang?: string; href?: string; datetime?: string };

/** The verdict page: a heading and sentence per status, then the certificate's details when they can be trusted. */
export function buildVerificationView(outcome: VerifyOutcome, t: Translate, locale: Locale, file?: FileVerdict) {
  const c = outcome.certificate;
  const date = (value: Date | null | undefined) => (value ? formatDate(value, locale) : '');
  const body = t(`verify.status.${outcome.status}.body`, {
    issuer: c?.issuer ?? t('app.name'),
    date: date(c?.revokedAt ?? c?.supersededAt),
    serial: c?.supersededBy ?? '',
  });
  const rows: Row[] = [];
  if (c) {
    rows.push(
      { label: t('verify.field.status'), value: t(`certificates.status.${c.status}`) },
      { label: t('verify.field.holder'), value: c.holderName },
      { label: t('verify.field.course'), value: c.courseTitle.en, lang: 'en' },
      { label: t('verify.field.course'), value: c.courseTitle.zh, lang: 'zh-Hans' },
      { label: t('verify.field.version'), value: String(c.courseVersion) },
      { label: t('verify.field.completedAt'), value: date(c.completedAt), datetime: isoDate(c.completedAt) },
      { label: t('verify.field.issuedAt'), value: date(c.issuedAt), datetime: isoDate(c.issuedAt) },
      { label: t('verify.field.issuer'), value: c.issuer },
      { label: t('verify.field.serial'), value: c.serial },
      { label: t('verify.field.code'), value: c.code },
    );
    if (c.status === 'revoked') {
      rows.push({ label: t('verify.field.revokedAt'), value: date(c.revokedAt) });
      rows.push({ label: t('verify.field.reason'), value: t(`certificates.reason.${c.revocationReason ?? 'other'}`) });
    }
    if (c.status === 'superseded' && c.supersededBy) rows.push({ label: t('verify.field.supersededBy'), value: c.supersededBy });
    rows.push({ label: t('verify.field.signature'), value: t('verify.signature.checked', { kid: c.signature.kid }) });
  }
  const terms = c && 'assessment' in outcome ? outcome.assessment : undefined;
  const tone = outcome.status === 'valid' ? 'ok' : outcome.status === 'revoked' || outcome.status === 'superseded' ? 'warn' : 'danger';
  return {
    title: t('verify.result.title'),
    status: outcome.status,
    tone,
    heading: t(`verify.status.${outcome.status}.heading`),
    body,
    rows,
    assessment: terms ? assessmentLines(terms, t, locale) : null,
    file: file
      ? {
          verdict: file,
          message: t(`verify.file.${file}`, { issuer: c?.issuer ?? t('app.name') }),
          tone: file === 'exact' ? 'ok' : 'danger',
        }
      : null,
  };
}

/** The assessment terms in sentences, in the visitor's language (module titles in the matching content language). */
function assessmentLines(terms: AssessmentTerms, t: Translate, locale: Locale): { title: string; lines: string[]; modules: string[] } {
  const lang = locale === 'zh-CN' ? 'zh' : 'en';
  if (terms.completion === 'modules-only') return { title: t('assessment.title'), lines: [t('assessment.modulesOnly')], modules: [] };
  const lines = [
    t('assessment.passMark', { passMark: terms.passMark }),
    t('assessment.drawTotal', { drawn: terms.drawn, pool: terms.pool, quizzes: terms.quizzes.length }),
    terms.maxAttempts === null ? t('assessment.attemptsUnlimited') : t('assessment.attempts', { count: terms.maxAttempts }),
  ];
  if (terms.retakeAfterMinutes > 0) lines.push(t('assessment.wait', { minutes: terms.retakeAfterMinutes }));
  const modules = terms.quizzes.map((quiz) => t('assessment.drawModule', { module: quiz.title[lang], drawn: quiz.drawn, pool: quiz.pool }));
  return { title: t('assessment.title'), lines, modules };
}

/** The learner's list of certificates. */
export function buildLearnerCertificatesView(certificates: CertificateView[], t: Translate, locale: Locale) {
  return {
    title: t('certificates.title'),
    certificates: certificates.map((c) => ({
      serial: c.serial,
      titleEn: c.courseTitle.en,
      titleZh: c.courseTitle.zh,
      status: c.status,
      statusLabel: t(`certificates.status.${c.status}`),
      completedAt: formatDate(c.completedAt, locale),
      completedIso: isoDate(c.completedAt),
      isValid: c.status === 'valid',
      pdfHref: `/certificates/${encodeURIComponent(c.serial)}.pdf`,
      credentialHref: `/certificates/${encodeURIComponent(c.serial)}/credential.jwt`,
      verifyHref: new URL(c.verifyUrl).pathname,
    })),
  };
}
