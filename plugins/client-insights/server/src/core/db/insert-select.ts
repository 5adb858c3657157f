import type { Knex } from 'knex';

/**
 * `insert into <table> (<columns>) <select>` in a form every dialect accepts (SQLite refuses a
 * parenthesised select); identifiers quoted (`change` is reserved in MySQL).
 */
export const insertSelect = (trx: Knex, table: string, columns: readonly string[], select: Knex.QueryBuilder) => {
  const { sql, bindings } = select.toSQL();
  const head = trx.raw(`insert into ?? (${columns.map(() => '??').join(', ')})`, [table, ...columns]).toQuery();
  return trx.raw(`${head} ${sql}`, bindings as Knex.RawBinding[]);
};
