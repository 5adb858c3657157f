import { pipeline } from 'stream/promises';
import { Readable } from 'stream';
import type { Knex } from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { dialectOf } from '../../plugins/client-insights/server/src/db/dialect';

/**
 * Bulk row writer for the seed: PostgreSQL COPY, SQLite prepared statements in one transaction,
 * MySQL multi-row INSERTs. Rows are arrays in `columns` order; datetimes are Date objects.
 */
export { dialectOf };

const copyText = (value: unknown): string => {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
};

const writePostgres = async (knex: Knex, table: string, columns: string[], rows: unknown[][]) => {
  const connection = await (knex.client as any).acquireConnection();
  try {
    const sql = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`;
    const lines = function* () {
      for (let i = 0; i < rows.length; i += 2000) {
        yield rows.slice(i, i + 2000).map((row) => row.map(copyText).join('\t')).join('\n') + '\n';
      }
    };
    await pipeline(Readable.from(lines()), connection.query(copyFrom(sql)));
  } finally {
    await (knex.client as any).releaseConnection(connection);
  }
};

const writeSqlite = async (knex: Knex, table: string, columns: string[], rows: unknown[][]) => {
  const db = await (knex.client as any).acquireConnection();
  try {
    const insert = db.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    // Strapi stores datetimes in SQLite as epoch milliseconds.
    const run = db.transaction((all: unknown[][]) => {
      for (const row of all) insert.run(row.map((v) => (v instanceof Date ? v.getTime() : v)));
    });
    run(rows);
  } finally {
    await (knex.client as any).releaseConnection(db);
  }
};

const writeMysql = async (knex: Knex, table: string, columns: string[], rows: unknown[][]) => {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000).map((row) => Object.fromEntries(columns.map((c, k) => [c, row[k]])));
    await knex(table).insert(chunk);
  }
};

export const writeRows = async (knex: Knex, table: string, columns: string[], rows: unknown[][]) => {
  if (rows.length === 0) return;
  const dialect = dialectOf(knex);
  if (dialect === 'postgres') return writePostgres(knex, table, columns, rows);
  if (dialect === 'sqlite') return writeSqlite(knex, table, columns, rows);
  return writeMysql(knex, table, columns, rows);
};

/** After rows were written with explicit ids, new rows must continue after them. */
export const resetSequence = async (knex: Knex, table: string) => {
  if (dialectOf(knex) !== 'postgres') return; // SQLite AUTOINCREMENT and MySQL follow explicit ids by themselves.
  await knex.raw(`select setval(pg_get_serial_sequence(?, 'id'), greatest((select coalesce(max(id), 0) from ??), 1))`, [table, table]);
};
