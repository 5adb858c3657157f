import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { mysqlTemplateStatements, withoutForeignKeys, type Template } from './template';

/** Which database an integration run targets: TEST_DB=sqlite (default), postgres or mysql. */
export type DbClient = 'sqlite' | 'postgres' | 'mysql';

export const dbClient = (): DbClient => {
  const value = (process.env.TEST_DB ?? 'sqlite') as DbClient;
  if (!['sqlite', 'postgres', 'mysql'].includes(value)) throw new Error(`TEST_DB must be sqlite, postgres or mysql, not "${value}"`);
  return value;
};

export const SERVER = {
  postgres: {
    host: process.env.TEST_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_PG_PORT ?? 5432),
    user: process.env.TEST_PG_USER ?? 'postgres',
    password: process.env.TEST_PG_PASSWORD ?? '',
    adminDb: 'postgres',
  },
  mysql: {
    host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
    user: process.env.TEST_MYSQL_USER ?? 'root',
    password: process.env.TEST_MYSQL_PASSWORD ?? '',
  },
};

export type FreshDatabase = {
  client: DbClient;
  /** Environment for Strapi's config/database.ts. */
  env: Record<string, string>;
  /** A knex connection of its own, for child processes' peers and checks. */
  connect(): Knex;
  drop(): Promise<void>;
};

const serverKnex = (client: 'postgres' | 'mysql') =>
  client === 'postgres'
    ? knexFactory({ client: 'pg', connection: { ...SERVER.postgres, database: SERVER.postgres.adminDb } })
    : knexFactory({ client: 'mysql2', connection: { ...SERVER.mysql } });

/**
 * Creates a database for one test file; `drop()` removes it. Empty, or a copy of `template` (the
 * schema of a first boot without its rows, template.ts) when one is given.
 */
export const createFreshDatabase = async (client: DbClient = dbClient(), template: Template | null = null): Promise<FreshDatabase> => {
  if (template && template.client !== client) throw new Error(`template of ${template.client} given for a ${client} database`);
  const name = `ci_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-insights-'));
    const filename = path.join(dir, 'data.db');
    if (template) fs.copyFileSync(template.name, filename);
    return {
      client,
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: filename },
      connect: () => knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true }),
      drop: async () => dropDatabase({ client, name: filename }),
    };
  }
  const admin = serverKnex(client);
  try {
    if (client === 'postgres') await admin.raw(`create database "${name}"${template ? ` template "${template.name}"` : ''}`);
    else {
      await admin.raw(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
      if (template) {
        const statements = await mysqlTemplateStatements(admin, template.name);
        await withoutForeignKeys(admin, [`use \`${name}\``, ...statements]);
      }
    }
  } finally {
    await admin.destroy();
  }
  const server = SERVER[client];
  return {
    client,
    env: {
      DATABASE_CLIENT: client,
      DATABASE_HOST: server.host,
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: server.user,
      DATABASE_PASSWORD: server.password,
    },
    connect: () => knexFactory({ client: client === 'postgres' ? 'pg' : 'mysql2', connection: { ...server, database: name } as any }),
    drop: () => dropDatabase({ client, name }),
  };
};

/** Removes a test database: the SQLite file's directory, or the database on its server. */
export const dropDatabase = async ({ client, name }: { client: DbClient; name: string }) => {
  if (client === 'sqlite') return fs.rmSync(path.dirname(name), { recursive: true, force: true });
  const admin = serverKnex(client);
  try {
    if (client === 'postgres') await admin.raw(`drop database if exists "${name}" with (force)`);
    else await admin.raw(`drop database if exists \`${name}\``);
  } finally {
    await admin.destroy();
  }
};
