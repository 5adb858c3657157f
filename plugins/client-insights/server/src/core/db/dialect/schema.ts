import type { Knex } from 'knex';
import { dialectOf } from './client';

export const indexExists = async (knex: Knex, table: string, name: string): Promise<boolean> => {
  switch (dialectOf(knex)) {
    case 'postgres': {
      const { rows } = await knex.raw('select 1 from pg_indexes where tablename = ? and indexname = ?', [table, name]);
      return rows.length > 0;
    }
    case 'mysql': {
      const [rows] = await knex.raw(
        'select 1 from information_schema.statistics where table_schema = database() and table_name = ? and index_name = ? limit 1',
        [table, name]
      );
      return rows.length > 0;
    }
    default: {
      const rows = await knex.raw("select 1 from sqlite_master where type = 'index' and name = ?", [name]);
      return rows.length > 0;
    }
  }
};

/**
 * Makes a text column compare case-sensitively, as it does on PostgreSQL and SQLite: MySQL and
 * MariaDB compare with the column's collation, case-insensitive by default, so a unique index
 * there would refuse `High-Value` beside `high-value`, two keys the rule language tells apart.
 * Keeps the column's type and nullability (Strapi's schema sync does not compare collations).
 */
export const makeCaseSensitive = async (knex: Knex, table: string, column: string): Promise<void> => {
  if (dialectOf(knex) !== 'mysql') return;
  const [rows] = await knex.raw(
    'select column_type as type, is_nullable as nullable from information_schema.columns where table_schema = database() and table_name = ? and column_name = ?',
    [table, column]
  );
  const { type, nullable } = rows[0] as { type: string; nullable: string };
  await knex.raw(`alter table ?? modify ?? ${type} character set utf8mb4 collate utf8mb4_bin ${nullable === 'YES' ? 'null' : 'not null'}`, [table, column]);
};

/**
 * Creates index `name` on `columns` of `table` over only the rows meeting `where` (SQL text)
 * where the database has partial indexes (PostgreSQL, SQLite); answers whether it did. MariaDB
 * has none, and a full index would cost every write for reads that do not happen there.
 */
export const createPartialIndex = async (knex: Knex, table: string, name: string, columns: string[], where: string): Promise<boolean> => {
  if (dialectOf(knex) === 'mysql') return false;
  await knex.schema.alterTable(table, (t) => t.index(columns, name, { predicate: knex.whereRaw(where) }));
  return true;
};

/**
 * Creates index `name` on an expression of `table` (SQL text, e.g. `coalesce(email_hash, '')`)
 * where the database has expression indexes (PostgreSQL, SQLite); answers whether it did.
 * MariaDB has none (only on generated columns).
 */
export const createExpressionIndex = async (knex: Knex, table: string, name: string, expression: string): Promise<boolean> => {
  if (dialectOf(knex) === 'mysql') return false;
  await knex.raw(`create index ?? on ?? ((${expression}))`, [name, table]);
  return true;
};

/**
 * Sets `columns` of the rows of `table` from the row of `select` with the same `key` (rows without
 * one keep theirs): one statement, `update … join` on MySQL, `update … from` elsewhere (SQLite
 * since 3.33).
 */
export const updateFromSelect = async (knex: Knex, table: string, key: string, columns: string[], select: Knex.QueryBuilder): Promise<void> => {
  const { sql, bindings } = select.toSQL();
  const pairs = columns.flatMap((c) => [c, c]);
  if (dialectOf(knex) === 'mysql') {
    const set = columns.map(() => 't.?? = s.??').join(', ');
    await knex.raw(`update ?? t join (${sql}) s on s.?? = t.?? set ${set}`, [table, ...bindings, key, key, ...pairs]);
  } else {
    const set = columns.map(() => '?? = s.??').join(', ');
    await knex.raw(`update ?? as t set ${set} from (${sql}) as s where s.?? = t.??`, [table, ...pairs, ...bindings, key, key]);
  }
};
