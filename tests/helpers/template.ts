import type { Knex } from 'knex';
import type { DbClient, FreshDatabase } from './databases';

/**
 * A template database for the integration suites: the schema a first boot creates (Strapi's
 * tables, the plugin's migrations), with every row removed. Each test file's database is a copy,
 * so its boot finds the schema current instead of building it: on a 2-core machine a boot took
 * 9.0 s instead of 15.0 s on MariaDB (whose DDL is slow), 7.5 s instead of 9.0 s on PostgreSQL,
 * 6.4 s instead of 6.9 s on SQLite. A boot on the copy is still a first start for the data:
 * roles, permissions, settings and the plugin's defaults are written by that boot's bootstrap.
 * Tests of what a first boot builds ask for an empty database instead (startStrapi's `emptyDatabase`).
 *
 * Kept: the tables that record which schema and migrations the database has, so that the boot
 * finds its schema current and does not migrate again.
 */
const KEPT = ['strapi_database_schema', 'strapi_migrations', 'strapi_migrations_internal', 'ci_migrations'];

/** What a test process needs to copy the template: `TEST_TEMPLATE` in its environment. */
export type Template = { client: DbClient; name: string };

export const templateOf = (env: NodeJS.ProcessEnv = process.env): Template | null => (env.TEST_TEMPLATE ? (JSON.parse(env.TEST_TEMPLATE) as Template) : null);

/** A MariaDB database's tables (`database()`: the connection's). */
const mysqlTablesOf = async (knex: Knex, database: string | Knex.Raw): Promise<string[]> =>
  (await knex.raw(`select table_name as name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'`, [database]))[0].map(
    (r: { name: string }) => r.name
  );

const tablesOf = async (knex: Knex, client: DbClient): Promise<string[]> => {
  if (client === 'postgres')
    return (await knex.raw(`select tablename as name from pg_tables where schemaname = current_schema()`)).rows.map((r: any) => r.name);
  if (client === 'mysql') return mysqlTablesOf(knex, knex.raw('database()'));
  return (await knex.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)).map((r: any) => r.name);
};

/** Removes every row but the schema's records, and resets the id counters as in a new database. */
export const emptyTables = async (db: FreshDatabase) => {
  const knex = db.connect();
  try {
    const tables = (await tablesOf(knex, db.client)).filter((t) => !KEPT.includes(t));
    if (db.client === 'postgres') {
      await knex.raw(`truncate table ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`);
    } else if (db.client === 'mysql') {
      await withoutForeignKeys(
        knex,
        tables.map((table) => `truncate table \`${table}\``)
      );
    } else {
      for (const table of tables) await knex(table).del();
      if ((await knex.raw(`select 1 from sqlite_master where name = 'sqlite_sequence'`)).length) await knex('sqlite_sequence').del();
      await knex.raw('vacuum');
    }
  } finally {
    await knex.destroy();
  }
};

/**
 * Runs MariaDB statements on one connection with its foreign-key checks off (a per-session switch).
 * Not in a transaction: DDL commits it implicitly.
 */
export const withoutForeignKeys = async (knex: Knex, statements: string[]) => {
  const connection = await knex.client.acquireConnection();
  try {
    await knex.raw('set foreign_key_checks = 0').connection(connection);
    for (const statement of statements) await knex.raw(statement).connection(connection);
  } finally {
    await knex.raw('set foreign_key_checks = 1').connection(connection);
    await knex.client.releaseConnection(connection);
  }
};

/**
 * MariaDB has no `create database … template`: the template's tables are created again from their
 * own `show create table` (read once per process), and the kept tables' rows copied. The
 * statements name other tables without their database, so they land in the new one; foreign keys
 * are switched off while tables are created in an order that may reference one not made yet.
 */
let mysqlStatements: Promise<string[]> | null = null;
export const mysqlTemplateStatements = (knex: Knex, template: string): Promise<string[]> => {
  mysqlStatements ??= (async () => {
    const tables = await mysqlTablesOf(knex, template);
    const statements: string[] = [];
    for (const name of tables) {
      const [[created]] = await knex.raw(`show create table \`${template}\`.\`${name}\``);
      statements.push(created['Create Table']);
    }
    for (const name of tables) if (KEPT.includes(name)) statements.push(`insert into \`${name}\` select * from \`${template}\`.\`${name}\``);
    return statements;
  })();
  return mysqlStatements;
};

/** The name a template is copied from: the SQLite file, or the database on the server. */
export const templateName = (db: FreshDatabase) => (db.client === 'sqlite' ? db.env.DATABASE_FILENAME : db.env.DATABASE_NAME);
