import { Writable } from 'stream';
import type { Knex } from 'knex';
import { TABLES } from '../../core/db/tables';

/** Bytes of a binary file per ci_export_chunks row (stored as base64 text: the column is text on every database). */
const BINARY_CHUNK_BYTES = 1 << 20;

/**
 * A sink writing a binary file (an .xlsx) into ci_export_chunks: bytes gathered up to
 * BINARY_CHUNK_BYTES, then one row each, base64, in order. A write is acknowledged once its row
 * is stored, so a slow database slows the writer instead of filling memory. Each row decodes on
 * its own (`decodeChunk`).
 */
export const binaryChunkSink = (knex: Knex, jobId: number) => {
  let pending: Buffer[] = [];
  let size = 0;
  let seq = 0;
  let bytes = 0;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const store = async () => {
    if (size === 0 || stopped) return;
    const data = Buffer.concat(pending, size);
    pending = [];
    size = 0;
    await knex(TABLES.exportChunks).insert({ job_id: jobId, seq: seq++, data: data.toString('base64') });
    bytes += data.length;
  };
  const flush = () => (inFlight = store());
  const sink = new Writable({
    highWaterMark: BINARY_CHUNK_BYTES,
    write(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      size += chunk.length;
      if (size < BINARY_CHUNK_BYTES) return done();
      flush().then(() => done(), done);
    },
    final(done) {
      flush().then(() => done(), done);
    },
  });
  /** Stops storing (a cancelled or failed export) once the row being stored, if any, is in: nothing is written after. */
  const stop = async () => {
    stopped = true;
    sink.destroy();
    await inFlight.catch(() => undefined);
  };
  return { sink, written: () => bytes, stop };
};

export const decodeChunk = (data: unknown, binary: boolean): string | Buffer => (binary ? Buffer.from(String(data), 'base64') : String(data));
