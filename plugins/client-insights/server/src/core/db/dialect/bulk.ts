import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type { Knex } from 'knex';
import { withDeferredIndexes } from '../deferred-indexes';
import { insertSelect } from '../insert-select';
import type { Sql } from '../sql-fragment';
import { dialectOf } from './client';

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in PostgreSQL COPY text format; numbers (most values) skip the escaping test. */
export const copyText = (value: unknown): string => {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPED[c]) : text;
};

/**
 * PostgreSQL `COPY table (columns) FROM STDIN` of `rows` (text format, copyText), streamed in
 * chunks with back-pressure; returns the number of rows. `freeze`: the table was created or
 * truncated in the current transaction, so the rows may be written already frozen (sparing VACUUM
 * a rewrite of every page). Runs on the transaction's connection when `knex` is a transaction.
 */
export const copyRows = async (knex: Knex, table: string, columns: string[], rows: Iterable<readonly unknown[]>, { freeze = false } = {}): Promise<number> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { from: copyFrom } = require('pg-copy-streams');
  let count = 0;
  const chunks = function* () {
    let buffer: string[] = [];
    for (const row of rows) {
      buffer.push(`${row.map(copyText).join('\t')}\n`);
      count += 1;
      if (buffer.length >= 5000) {
        yield buffer.join('');
        buffer = [];
      }
    }
    if (buffer.length) yield buffer.join('');
  };
  const connection = await (knex.client as any).acquireConnection();
  try {
    const sql = `copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin${freeze ? ' with (freeze)' : ''}`;
    await pipeline(Readable.from(chunks()), connection.query(copyFrom(sql)));
  } finally {
    await (knex.client as any).releaseConnection(connection);
  }
  return count;
};

/**
 * Appends many rows to `table`: PostgreSQL COPY (one round trip per batch stream), elsewhere
 * multi-row INSERTs of `chunk` rows. Values are numbers, strings or null.
 */
export const bulkInsert = async (knex: Knex, table: string, columns: string[], rows: Iterable<Array<number | string | null>>, chunk = 500): Promise<number> => {
  if (dialectOf(knex) === 'postgres') return copyRows(knex, table, columns, rows);
  let count = 0;
  let batch: Record<string, unknown>[] = [];
  for (const row of rows) {
    batch.push(Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    count += 1;
    if (batch.length >= chunk) {
      await knex(table).insert(batch);
      batch = [];
    }
  }
  if (batch.length) await knex(table).insert(batch);
  return count;
};

/** A table's rows as one `insert … select` (see insertSelect). */
export type TableSource = { table: string; columns: readonly string[]; select: Knex.QueryBuilder };

/**
 * Replaces every row of these tables with their sources' rows, inside the caller's transaction
 * `trx`. PostgreSQL: truncate, load without indexes, build them once (row-by-row delete and index
 * upkeep of 7.5M rows took 350 s at 1M customers); readers wait for the commit, which they would
 * otherwise see half-empty. Elsewhere: delete and insert, table by table.
 */
export const reloadTables = async (trx: Knex, sources: (inner: Knex) => TableSource[]): Promise<void> => {
  if (dialectOf(trx) === 'postgres') {
    const tables = sources(trx).map((s) => s.table);
    await trx.raw(`truncate ${tables.join(', ')}`);
    await withDeferredIndexes(trx, tables, async (inner) => {
      for (const { table, columns, select } of sources(inner)) await insertSelect(inner, table, columns, select);
    });
    return;
  }
  for (const { table, columns, select } of sources(trx)) {
    await trx(table).delete();
    await insertSelect(trx, table, columns, select);
  }
};

/**
 * Writes `rows` keyed by the unique column `key`: a row whose key is new is inserted, a stored row
 * is overwritten in the `update` columns, only where `replaceIf` holds when given (SQL over the
 * stored row, its columns qualified by the table's name). PostgreSQL: one `insert … on conflict do
 * update … where` per chunk. MySQL's upsert takes no condition, and knex 3.0 drops it from a
 * multi-row upsert on SQLite: there the stored rows the condition picks are deleted first and the
 * rows inserted, keys still held ignored. Without a condition, one upsert everywhere.
 */
export const upsertRows = async (
  knex: Knex,
  table: string,
  key: string,
  rows: Record<string, Knex.Value>[],
  update: string[],
  replaceIf?: Sql,
  chunk = 1000
): Promise<void> => {
  const condition = replaceIf && ([`(${replaceIf.sql})`, replaceIf.bindings as Knex.RawBinding[]] as const);
  for (let i = 0; i < rows.length; i += chunk) {
    const batch = rows.slice(i, i + chunk);
    if (condition && dialectOf(knex) !== 'postgres') {
      await knex(table)
        .whereIn(
          key,
          batch.map((r) => r[key] as Knex.Value)
        )
        .whereRaw(...condition)
        .delete();
      await knex(table).insert(batch).onConflict(key).ignore();
      continue;
    }
    const merge = knex(table).insert(batch).onConflict(key).merge(update);
    await (condition ? merge.whereRaw(...condition) : merge);
  }
};
