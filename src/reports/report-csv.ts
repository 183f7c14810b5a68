/**
 * CSV for spreadsheets: UTF-8 with a byte order mark (without it, Excel reads UTF-8 as the local code page and
 * Chinese turns into mojibake), CRLF line ends, RFC 4180 quoting, and cells that a spreadsheet would run as a
 * formula (starting with = + - @, tab or carriage return) prefixed with a single quote so they stay text.
 */
export const CSV_BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers are written as numbers: they are ours, never user input, and must stay numeric in the spreadsheet.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A whole CSV document, BOM included. */
export function csvDocument(header: string[], rows: CsvValue[][]): string {
  return CSV_BOM + csvLine(header) + rows.map(csvLine).join('');
}
