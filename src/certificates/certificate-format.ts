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

/**
 * The status list bit of a certificate: the one signed into its record, or for records issued before status lists
 * existed, list `legacy-<year>` at the serial's number (unique within its year, and apart from the random bits).
 */
export function statusBitOf(record: { serial: string; statusList?: string | null; statusListIndex?: number | null }): {
  list: string;
  index: number;
} {
  if (record.statusList && typeof record.statusListIndex === 'number') return { list: record.statusList, index: record.statusListIndex };
  const match = SERIAL_PATTERN.exec(record.serial);
  if (!match) throw new Error(`statusBitOf: not a serial: ${record.serial}`);
  return { list: `legacy-${match[1]}`, index: Number(match[2]) };
}
