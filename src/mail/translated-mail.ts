import { isLocale, translator, type Locale } from '../i18n/i18n';
import type { MailCategory, Mailer } from './mailer';

/** The language of a person's mail: the one they chose, else the language of the page that caused the mail. */
export function recipientLocale(preferredLanguage: unknown, fallback: Locale): Locale {
  return isLocale(preferredLanguage) ? preferredLanguage : fallback;
}

export type TranslatedMail = {
  to: string;
  locale: Locale;
  /** Catalogue prefix: the subject is `<key>.subject` and the text `<key>.body`, both in `locale`. */
  key: string;
  params: Record<string, string | number>;
  category?: MailCategory;
  cohortId?: string;
};

/** Sends one catalogue mail in the recipient's language, labelled with it (Content-Language). */
export async function sendTranslatedMail(mailer: Mailer, mail: TranslatedMail): Promise<void> {
  const t = translator(mail.locale);
  await mailer.send({
    to: mail.to,
    lang: mail.locale,
    subject: t(`${mail.key}.subject`, mail.params),
    text: t(`${mail.key}.body`, mail.params),
    ...(mail.category ? { category: mail.category } : {}),
    ...(mail.cohortId ? { cohortId: mail.cohortId } : {}),
  });
}
