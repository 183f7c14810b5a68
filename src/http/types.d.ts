import type { Locale, Translate } from '../i18n/i18n';

declare global {
  namespace Express {
    interface Request {
      locale: Locale;
    }

    /** What every view can use: set once per request by localeMiddleware, csrfProtection and the accounts middleware. */
    interface Locals {
      locale: Locale;
      htmlLang: 'en' | 'zh-Hans';
      contentLang: 'en' | 'zh';
      t: Translate;
      currentPath: string;
      languageLinks: { locale: Locale; label: string; lang: string; href: string; current: boolean }[];
      /** Issues the session's CSRF token when a view first prints it (see csrf.ts). */
      csrfToken: { toString(): string };
      currentUser: { name: string; role: 'learner' | 'trainer' | 'admin' } | null;
      /** Where an error page's "back" link leads, when a route knows better than the referrer. */
      backHref?: string;
      /** App-wide, from app.locals: how old a report snapshot may be before a refresh starts. */
      reportMaxAgeMs: number;
    }
  }
}

export {};
