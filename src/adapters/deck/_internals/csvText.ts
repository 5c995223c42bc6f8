/**
 * Quotes a CSV value when it needs it (RFC 4180): a comma, a quote, a line break, or a leading
 * BOM; a quote inside is doubled. Anything else is written as is, so `csv-parse` (which does not
 * trim) reads back exactly the same text.
 */
export function csvField(value: string): string {
  return /[",\r\n]|^\uFEFF/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, ending with `\n`. */
export function csvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** A number as text that reads back as the same number (`-0` stays `-0`). */
export function numberText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}
