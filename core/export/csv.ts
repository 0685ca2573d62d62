/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel opens Chinese text correctly),
 * CRLF line ends, and quoting of fields that hold commas, quotes or line breaks (RFC 4180).
 */
export const UTF8_BOM = '\uFEFF';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

function field(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading =, +, - or @ (or a TAB or CR before one, which Excel skips) would run as a formula; a quote prefix keeps it text.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header line (with its CRLF). */
export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return `${columns.map((c) => field(c.header)).join(',')}\r\n`;
}

/** The rows as CSV lines (each with its CRLF), for writing a long table piece by piece. */
export function csvRows<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  return rows.map((r) => `${columns.map((c) => field(c.value(r))).join(',')}\r\n`).join('');
}

/** The rows as CSV text with a header line, starting with the UTF-8 BOM. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  return UTF8_BOM + csvHeader(columns) + csvRows(rows, columns);
}
