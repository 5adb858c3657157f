import type { Knex } from 'knex';
import { TABLES } from '../../core/db/tables';
import { csvCell, UTF8_BOM } from '../segments/csv';
import { binaryChunkSink } from './chunks';
import { writeXlsx } from './xlsx';

/** What storing needs of a job: progress reports (where a cancel is seen). */
type Progress = { progress(fraction: number, phase?: string): Promise<void> };

/** Records in whole lines of CSV: line ends outside quoted cells (a cell may hold a line break). */
const csvRecords = (text: string) => {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) records++;
  }
  return records;
};

/** The CSV text of a chosen-fields export: byte order mark and labels, then one chunk per batch. */
export async function* csvText(labels: readonly string[], batches: AsyncIterable<unknown[][]>) {
  yield `${UTF8_BOM}${labels.map(csvCell).join(',')}\n`;
  for await (const rows of batches) yield rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * Stores CSV text into ci_export_chunks, one row per chunk (the header, then a batch of rows), with
 * progress as records written / `total`; a cancelled or failed export leaves no chunk behind.
 */
export const storeCsv = async (knex: Knex, jobId: number, chunks: AsyncIterable<string>, total: number, ctx: Progress) => {
  let seq = 0;
  let rows = 0;
  let bytes = 0;
  try {
    await ctx.progress(0, 'writing');
    for await (const chunk of chunks) {
      const text = String(chunk);
      await knex(TABLES.exportChunks).insert({ job_id: jobId, seq: seq++, data: text });
      bytes += Buffer.byteLength(text);
      // The first chunk is the header (byte order mark and column names); then one record per row.
      if (seq > 1) rows += csvRecords(text);
      await ctx.progress(total > 0 ? rows / total : 1);
    }
  } catch (error) {
    await knex(TABLES.exportChunks).where({ job_id: jobId }).delete();
    throw error;
  }
  return { rows, bytes, format: 'csv' as const };
};

/** Stores an .xlsx of `labels` and `batches` into ci_export_chunks (chunks.ts), sheets of `maxRows` rows; the same clean-up. */
export const storeXlsx = async (
  knex: Knex,
  jobId: number,
  { labels, batches, total, maxRows }: { labels: readonly string[]; batches: AsyncIterable<unknown[][]>; total: number; maxRows: number },
  ctx: Progress
) => {
  const { sink, written, stop } = binaryChunkSink(knex, jobId);
  try {
    await ctx.progress(0, 'writing');
    const { rows, sheets } = await writeXlsx(sink, labels, batches, { maxRows, afterBatch: (n) => ctx.progress(total > 0 ? n / total : 1) });
    return { rows, bytes: written(), format: 'xlsx' as const, sheets, rowsPerSheet: maxRows - 1 };
  } catch (error) {
    await stop();
    await knex(TABLES.exportChunks).where({ job_id: jobId }).delete();
    throw error;
  }
};
