import type { Locale } from '../i18n/i18n';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A calendar date in UTC, spelled out by hand rather than through Intl: the PDF must come out byte for byte the same
 * on every machine and Node version (ICU data changes between releases).
 */
export function formatDate(value: Date | string, locale: Locale): string {
  const date = new Date(value);
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  return locale === 'zh-CN' ? `${year}年${month + 1}月${day}日` : `${day} ${MONTHS[month]} ${year}`;
}

/** `YYYY-MM-DD` (UTC), for machine-readable attributes. */
export function isoDate(value: Date | string): string {
  return new Date(value).toISOString().slice(0, 10);
}

/** `PA-<year>-<6 digits>`. */
export function formatSerial(year: number, number: number): string {
  return `PA-${year}-${String(number).padStart(6, '0')}`;
}

export const SERIAL_PATTERN = /^PA-(\d{4})-(\d{6,9})$/;
