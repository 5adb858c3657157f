import { Readable } from 'stream';

/** A CSV cell: quoted when needed, and formula-looking text neutralised for spreadsheets. */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Streams rows from batches as CSV with a header line; nothing is held beyond one batch. The first
 * batch is read before the stream is returned, so a failing query answers with an error status
 * instead of a response that has started and never ends.
 */
export const csvStream = async <R extends Record<string, unknown>>(columns: readonly (keyof R & string)[], batches: AsyncIterable<R[]>): Promise<Readable> => {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  const line = (rows: R[]) => rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')).join('\n') + '\n';
  return Readable.from(
    (async function* () {
      yield `${columns.join(',')}\n`;
      if (first.done) return;
      yield line(first.value);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield line(next.value);
    })()
  );
};
