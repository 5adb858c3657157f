import type { Knex } from 'knex';
import { copyRows, dialectOf } from '../../plugins/client-insights/server/src/core/db/dialect';

/**
 * Bulk row writer for the seed: PostgreSQL COPY, SQLite prepared statements in one transaction,
 * MySQL multi-row INSERTs. Rows are arrays in `columns` order; datetimes are Date objects.
 */
export { dialectOf };

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

/**
 * `freeze` (PostgreSQL): the table was truncated in the current transaction, so COPY may write the
 * rows already frozen and visible to all, sparing VACUUM a rewrite of every page.
 */
export const writeRows = async (knex: Knex, table: string, columns: string[], rows: unknown[][], { freeze = false } = {}) => {
  if (rows.length === 0) return;
  const dialect = dialectOf(knex);
  if (dialect === 'postgres') return void (await copyRows(knex, table, columns, rows, { freeze }));
  if (dialect === 'sqlite') return writeSqlite(knex, table, columns, rows);
  return writeMysql(knex, table, columns, rows);
};

/** After rows were written with explicit ids, new rows must continue after them. */
export const resetSequence = async (knex: Knex, table: string) => {
  if (dialectOf(knex) !== 'postgres') return; // SQLite AUTOINCREMENT and MySQL follow explicit ids by themselves.
  await knex.raw(`select setval(pg_get_serial_sequence(?, 'id'), greatest((select coalesce(max(id), 0) from ??), 1))`, [table, table]);
};
