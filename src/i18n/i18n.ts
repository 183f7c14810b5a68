import { accounts } from './messages/accounts';
import { admin } from './messages/admin';
import { assessment } from './messages/assessment';
import { authoring } from './messages/authoring';
import { certificates } from './messages/certificates';
import { cohorts } from './messages/cohorts';
import { common } from './messages/common';
import { courses } from './messages/courses';
import { learning } from './messages/learning';
import { readiness } from './messages/readiness';
import { mail } from './messages/mail';
import { reports } from './messages/reports';

export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

type Catalogue = Record<Locale, Record<string, string>>;

/** Each feature keeps its strings in its own file under messages/; they are merged here. */
const catalogues: Catalogue[] = [
  common,
  courses,
  accounts,
  learning,
  certificates,
  authoring,
  admin,
  reports,
  readiness,
  cohorts,
  mail,
  assessment,
];

const messages: Catalogue = { en: {}, 'zh-CN': {} };
for (const catalogue of catalogues) {
  for (const locale of locales) Object.assign(messages[locale], catalogue[locale]);
}

export function allMessageKeys(locale: Locale): string[] {
  return Object.keys(messages[locale]);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** Maps `zh`, `zh-cn`, `zh-Hans` and friends to a supported locale. */
export function normaliseLocale(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower === 'zh-cn' || lower.startsWith('zh-hans') || lower === 'zh-sg') return 'zh-CN';
  return undefined;
}

/** The best supported locale for an Accept-Language header, by quality. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const locale = normaliseLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A translate function for one locale; unknown keys fall back to English, then to the key itself. */
export function translator(locale: Locale): Translate {
  return (key, params) => {
    const template = messages[locale][key] ?? messages.en[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };
}
