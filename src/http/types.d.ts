import type { Locale } from '../i18n/i18n';

declare global {
  namespace Express {
    interface Request {
      locale: Locale;
    }
  }
}

export {};
