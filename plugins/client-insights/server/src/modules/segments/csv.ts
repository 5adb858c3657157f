import { Readable } from 'stream';
import type { CsvFormatter } from './csv-locale';

/**
 * A CSV file being streamed: its number of data rows, its columns, and those of its columns that
 * carry sensitive data unmasked (shared/sensitive.ts; what makes an export need approval).
 */
export type CsvExport = { total: number; stream: Readable; columns: readonly string[]; sensitive: readonly string[] };

/** UTF-8 byte order mark: without it Excel reads a UTF-8 CSV as the system code page and garbles Chinese. */
export const UTF8_BOM = '\uFEFF';

/** A CSV cell: quoted when needed, and formula-looking text neutralised for spreadsheets. */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Streams rows from batches as CSV (UTF-8 with a byte order mark) with a header line; nothing is
 * held beyond one batch. With a `format` (csv-locale.ts) the header has the columns' labels and the
 * cells translated codes and local dates; without one, column keys and raw values. The first batch
 * is read before the stream is returned, so a failing query answers with an error status instead
 * of a response that has started and never ends.
 */
export const csvStream = async <R extends Record<string, unknown>>(
  columns: readonly (keyof R & string)[],
  batches: AsyncIterable<R[]>,
  format?: CsvFormatter
): Promise<Readable> => {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  const value = format ? (r: R, c: string) => format.value(c, r[c]) : (r: R, c: string) => r[c];
  const line = (rows: R[]) => rows.map((r) => columns.map((c) => csvCell(value(r, c))).join(',')).join('\n') + '\n';
  const header = columns.map((c) => csvCell(format ? format.label(c) : c)).join(',');
  return Readable.from(
    (async function* () {
      yield `${UTF8_BOM}${header}\n`;
      if (first.done) return;
      yield line(first.value);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield line(next.value);
    })()
  );
};
