import { Readable } from 'stream';

/** A CSV cell: quoted when needed, and formula-looking text neutralised for spreadsheets. */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Streams rows from batches as CSV with a header line; nothing is held beyond one batch. */
export const csvStream = <R extends Record<string, unknown>>(columns: readonly (keyof R & string)[], batches: AsyncIterable<R[]>): Readable =>
  Readable.from(
    (async function* () {
      yield `${columns.join(',')}\n`;
      for await (const rows of batches) {
        yield rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')).join('\n') + '\n';
      }
    })()
  );
