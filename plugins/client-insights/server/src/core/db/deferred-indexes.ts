import type { Knex } from 'knex';

/**
 * PostgreSQL bulk load into empty tables (the seed, a full rollup rebuild): runs `load` in one
 * transaction (a savepoint when `knex` is already one) with the tables' secondary indexes, unique
 * constraints and foreign keys dropped, and recreates them before the commit.
 *
 * Why: maintaining B-tree indexes row by row (random document ids, link tables in customer order)
 * and checking foreign keys per row costs most of a million-customer load; one sorted index build
 * and one join per foreign key afterwards is several times cheaper. The DDL is transactional, so a
 * crash or error anywhere rolls back to the previous tables, indexes and rows: nothing is left
 * half-loaded or unindexed. Primary keys stay. Readers of these tables wait until the commit.
 */
type Definition = { name: string; table: string; sql: string };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const constraintsOf = async (trx: Knex, tables: string[]): Promise<Definition[]> => {
  const { rows } = await trx.raw(
    `select con.conname as name, rel.relname as "table", pg_get_constraintdef(con.oid) as sql, con.contype as type
       from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace
      where ns.nspname = current_schema() and rel.relname = any(?) and con.contype in ('f', 'u')
      order by con.contype desc`, // unique first when recreating: a foreign key may need one
    [tables]
  );
  return rows;
};

/** Plain indexes (not backing a primary key or unique constraint). */
const indexesOf = async (trx: Knex, tables: string[]): Promise<Definition[]> => {
  const { rows } = await trx.raw(
    `select i.indexname as name, i.tablename as "table", i.indexdef as sql
       from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = any(?)
        and not exists (select 1 from pg_constraint con where con.conname = i.indexname and con.contype in ('p', 'u'))`,
    [tables]
  );
  return rows;
};

export const withDeferredIndexes = async <T>(knex: Knex, tables: string[], load: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
  knex.transaction(async (trx) => {
    const constraints = await constraintsOf(trx, tables);
    const indexes = await indexesOf(trx, tables);
    // Foreign keys before the unique constraints they may rely on.
    for (const c of [...constraints].reverse()) await trx.raw(`alter table ${quote(c.table)} drop constraint ${quote(c.name)}`);
    for (const i of indexes) await trx.raw(`drop index ${quote(i.name)}`);
    const result = await load(trx);
    await trx.raw("set local maintenance_work_mem = '256MB'");
    for (const i of indexes) await trx.raw(i.sql);
    for (const c of constraints) await trx.raw(`alter table ${quote(c.table)} add constraint ${quote(c.name)} ${c.sql}`);
    return result;
  });
