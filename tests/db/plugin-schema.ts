import type { Knex } from 'knex';
import type { DbClient } from '../helpers/databases';

/**
 * The plugin's part of a database schema, read from the catalogues: its `ci_*` tables (columns
 * with types, nullability and defaults; indexes; constraints) and the `ci_*` indexes it adds to
 * Strapi's tables. Two databases with equal snapshots have the same plugin schema.
 */
export type PluginSchema = {
  columns: Array<Record<string, unknown>>;
  indexes: Array<Record<string, unknown>>;
  constraints: Array<Record<string, unknown>>;
};

const PREFIX = 'ci\\_%'; // LIKE pattern for names starting with "ci_"
const isPlugin = (name: string) => name.startsWith('ci_');
const byKeys =
  (...keys: string[]) =>
  (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const k of keys) {
      const x = String(a[k] ?? '');
      const y = String(b[k] ?? '');
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
const lowerKeys = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));

const postgres = async (knex: Knex): Promise<PluginSchema> => {
  const columns = await knex.raw(
    `select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_nullable, column_default
       from information_schema.columns where table_schema = current_schema() and table_name like ?`,
    [PREFIX]
  );
  const indexes = await knex.raw(
    `select tablename as table_name, indexname as index_name, indexdef as definition
       from pg_indexes where schemaname = current_schema() and (tablename like ? or indexname like ?)`,
    [PREFIX, PREFIX]
  );
  const constraints = await knex.raw(
    `select rel.relname as table_name, con.conname as constraint_name, con.contype as constraint_type, pg_get_constraintdef(con.oid) as definition
       from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace
      where ns.nspname = current_schema() and (rel.relname like ? or con.conname like ?)`,
    [PREFIX, PREFIX]
  );
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
};

const mysql = async (knex: Knex): Promise<PluginSchema> => {
  const [columns] = await knex.raw(
    `select table_name, column_name, column_type, is_nullable, column_default, extra
       from information_schema.columns where table_schema = database() and table_name like ?`,
    [PREFIX]
  );
  const [indexes] = await knex.raw(
    `select table_name, index_name, non_unique, seq_in_index, column_name, sub_part, index_type
       from information_schema.statistics where table_schema = database() and (table_name like ? or index_name like ?)`,
    [PREFIX, PREFIX]
  );
  const [constraints] = await knex.raw(
    `select table_name, constraint_name, constraint_type
       from information_schema.table_constraints where table_schema = database() and (table_name like ? or constraint_name like ?)`,
    [PREFIX, PREFIX]
  );
  return { columns: columns.map(lowerKeys), indexes: indexes.map(lowerKeys), constraints: constraints.map(lowerKeys) };
};

const sqlite = async (knex: Knex): Promise<PluginSchema> => {
  const objects: Array<{ type: string; name: string; tbl_name: string; sql: string | null }> = await knex.raw(
    "select type, name, tbl_name, sql from sqlite_master where type in ('table', 'index')"
  );
  const tables = objects.filter((o) => o.type === 'table' && isPlugin(o.name)).map((o) => o.name);
  const columns: Array<Record<string, unknown>> = [];
  const constraints: Array<Record<string, unknown>> = [];
  for (const table of tables) {
    for (const c of await knex.raw(`pragma table_info(\`${table}\`)`)) {
      columns.push({ table_name: table, column_name: c.name, type: c.type, notnull: c.notnull, default: c.dflt_value, pk: c.pk });
    }
    for (const f of await knex.raw(`pragma foreign_key_list(\`${table}\`)`)) constraints.push({ table_name: table, foreign_key: f });
    // Checks and table-level constraints live only in the table's SQL.
    const sql = objects.find((o) => o.type === 'table' && o.name === table)!.sql ?? '';
    constraints.push({ table_name: table, definition: sql.replace(/\s+/g, ' ').trim() });
  }
  const indexes: Array<Record<string, unknown>> = [];
  for (const table of [...new Set(objects.filter((o) => o.type === 'table').map((o) => o.name))]) {
    for (const i of await knex.raw(`pragma index_list(\`${table}\`)`)) {
      if (!isPlugin(table) && !isPlugin(i.name)) continue;
      const columnsOf = (await knex.raw(`pragma index_info(\`${i.name}\`)`)).map((c: { name: string }) => c.name);
      const sql = objects.find((o) => o.type === 'index' && o.name === i.name)?.sql ?? null;
      // Automatic indexes of primary keys and unique constraints are numbered by creation order.
      const name = String(i.name).startsWith('sqlite_autoindex_') ? `autoindex(${columnsOf.join(',')})` : i.name;
      indexes.push({
        table_name: table,
        index_name: name,
        unique: i.unique,
        origin: i.origin,
        partial: i.partial,
        columns: columnsOf.join(','),
        definition: sql,
      });
    }
  }
  return { columns, indexes, constraints };
};

export const pluginSchema = async (knex: Knex, client: DbClient): Promise<PluginSchema> => {
  const schema = await (client === 'postgres' ? postgres(knex) : client === 'mysql' ? mysql(knex) : sqlite(knex));
  return {
    columns: schema.columns.sort(byKeys('table_name', 'column_name')),
    indexes: schema.indexes.sort(byKeys('table_name', 'index_name', 'seq_in_index', 'columns')),
    constraints: schema.constraints.sort(byKeys('table_name', 'constraint_name', 'definition')),
  };
};

/** Columns the plugin adds to Strapi's tables (migration 210: the hashes beside encrypted contact data). */
export const PLUGIN_HOST_COLUMNS: Array<[string, string]> = [
  ['customers', 'email_hash'],
  ['customers', 'phone_hash'],
];

/** Drops everything the plugin created: its `ci_*` tables, the `ci_*` indexes and the columns it added on Strapi's tables. */
export const dropPluginSchema = async (knex: Knex, client: DbClient): Promise<void> => {
  const { indexes } = await pluginSchema(knex, client);
  const onHostTables = new Map<string, string>();
  for (const i of indexes) if (!isPlugin(String(i.table_name)) && isPlugin(String(i.index_name))) onHostTables.set(String(i.index_name), String(i.table_name));
  for (const [name, table] of onHostTables) await knex.schema.alterTable(table, (t) => t.dropIndex([], name));
  for (const [table, column] of PLUGIN_HOST_COLUMNS)
    if (await knex.schema.hasColumn(table, column)) await knex.schema.alterTable(table, (t) => t.dropColumn(column));
  const tables = [...new Set((await pluginSchema(knex, client)).columns.map((c) => String(c.table_name)))];
  for (const table of tables) await knex.schema.dropTable(table);
};

/** A statement as knex sent it; a bound Date is stored as `{ $date: iso }`. */
export type RecordedStatement = { sql: string; bindings: unknown[] };

export const encodeBinding = (value: unknown): unknown => (value instanceof Date ? { $date: value.toISOString() } : value);
const decodeBinding = (value: unknown): unknown =>
  value && typeof value === 'object' && '$date' in (value as object) ? new Date((value as { $date: string }).$date) : value;

/** Runs recorded statements again, in order. */
export const replay = async (knex: Knex, statements: RecordedStatement[]): Promise<void> => {
  for (const s of statements) await knex.raw(s.sql, s.bindings.map(decodeBinding) as Knex.RawBinding[]);
};
