import type { RequestHandler } from 'express';
import { defaultLocale, localeFromAcceptLanguage, normaliseLocale, translator, type Locale } from '../i18n/i18n';

const LANG_COOKIE = 'lang';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Chooses the page language: `?lang=` (remembered in a cookie), then the cookie, then Accept-Language.
 * Every view gets `locale`, `htmlLang`, `t` and the current path through res.locals.
 */
export function localeMiddleware(options: { secureCookies: boolean }): RequestHandler {
  return (req, res, next) => {
    const fromQuery = normaliseLocale(req.query.lang);
    if (fromQuery) {
      res.cookie(LANG_COOKIE, fromQuery, {
        maxAge: ONE_YEAR_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
      });
    }
    const locale: Locale =
      fromQuery ?? normaliseLocale(req.cookies?.[LANG_COOKIE]) ?? localeFromAcceptLanguage(req.get('accept-language')) ?? defaultLocale;
    req.locale = locale;
    res.locals.locale = locale;
    res.locals.htmlLang = locale === 'zh-CN' ? 'zh-Hans' : 'en';
    res.locals.contentLang = locale === 'zh-CN' ? 'zh' : 'en';
    res.locals.t = translator(locale);
    res.locals.currentPath = req.path;
    res.locals.languageLinks = [
      { locale: 'en', label: 'English', lang: 'en', href: withLang(req.originalUrl, 'en'), current: locale === 'en' },
      { locale: 'zh-CN', label: '简体中文', lang: 'zh-Hans', href: withLang(req.originalUrl, 'zh-CN'), current: locale === 'zh-CN' },
    ];
    res.vary('Accept-Language');
    next();
  };
}

/** The same URL with `lang` set, so switching language keeps the reader's place. */
export function withLang(originalUrl: string, locale: Locale): string {
  const url = new URL(originalUrl, 'http://local');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}${url.hash}`;
}
