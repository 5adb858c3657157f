import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { bootStrapi, parseArgs, ROOT, runScript } from './lib/boot';
import { rebuildMetrics, seedDemoData } from '../src/demo-data/seed';

const USAGE = 'usage: npm run seed -- --customers N [--seed S] [--reset] [--anchor YYYY-MM-DD]';

/**
 * The seed in three processes, one after the other, so that no process holds both a booted app
 * (about 450 MB resident, most of it the app's code and schema) and the rows being generated:
 * 1. a booted app creates or migrates the schema, then exits;
 * 2. this process writes the rows over a plain connection built from the app's own database config;
 * 3. a booted app rebuilds the metrics rollup (one SQL pass) for what was written.
 */
const PHASES = {
  /** Booting creates the content types' tables and runs the plugin's migrations. */
  schema: async () => {
    const strapi = await bootStrapi();
    await strapi.destroy();
  },
  rebuild: async () => {
    const strapi = await bootStrapi();
    try {
      console.log(`metrics rebuilt in ${((await rebuildMetrics(strapi)) / 1000).toFixed(1)} s`);
    } finally {
      await strapi.destroy();
    }
  },
};

/**
 * The booted app's heap: about 210 MB are live after the boot. A cap makes V8 collect instead of
 * growing (the rows process runs under package.json's 256 MB the same way: about 100 MB live, and
 * without a cap V8 let it reach 577 MB resident at 100k customers; with it 286 MB, 10 % slower).
 */
const APP_HEAP_MB = 384;

const runPhase = (phase: keyof typeof PHASES) => {
  const script = [path.join(ROOT, 'scripts', 'run-ts.js'), path.join(ROOT, 'scripts', 'seed.ts'), '--phase', phase];
  const child = spawnSync(process.execPath, [`--max-old-space-size=${APP_HEAP_MB}`, ...script], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`seed: the ${phase} step failed (exit ${child.status ?? child.signal})`);
};

/** Knex's client names for the ones the app's config/database.ts uses (as Strapi maps them). */
const KNEX_CLIENTS: Record<string, string> = { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };

/** The app's compiled database config with .env, as the booted app reads it. */
const databaseConfig = () => {
  // As Strapi reads it: the environment's own variables win over the file's.
  if (fs.existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { env } = require('@strapi/utils');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(ROOT, 'dist', 'config', 'database.js')).default({ env }).connection;
};

/** A connection as the booted app would open it; `database` overrides the configured one (null: none). */
const connect = (database?: string | null): Knex => {
  const config = databaseConfig();
  const { schema, ...connection } = config.connection ?? {};
  if (database !== undefined) connection.database = database ?? undefined;
  return knexFactory({
    client: KNEX_CLIENTS[config.client] ?? config.client,
    connection,
    ...(config.client === 'postgres' && schema ? { searchPath: [schema] } : {}),
    pool: config.pool ?? (config.client === 'sqlite' ? { min: 1, max: 1 } : undefined),
    useNullAsDefault: true,
  });
};

/**
 * Creates the configured PostgreSQL or MySQL database when the server does not have it yet, so
 * that seeding a new benchmark database is one command (SQLite creates its file itself).
 */
const ensureDatabase = async () => {
  const { client, connection } = databaseConfig();
  const name = connection?.database;
  if ((client !== 'postgres' && client !== 'mysql') || !name) return;
  const server = connect(client === 'postgres' ? 'postgres' : null);
  try {
    const exists =
      client === 'postgres'
        ? (await server.raw('select 1 from pg_database where datname = ?', [name])).rows.length > 0
        : (await server.raw('select 1 from information_schema.schemata where schema_name = ?', [name]))[0].length > 0;
    if (exists) return;
    await server.raw(client === 'postgres' ? 'create database ??' : 'create database ?? character set utf8mb4 collate utf8mb4_unicode_ci', [name]);
    console.log(`seed: created database ${name}`);
  } finally {
    await server.destroy();
  }
};

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args.phase === 'string') {
    const phase = PHASES[args.phase as keyof typeof PHASES];
    if (!phase) throw new Error(`unknown phase ${args.phase}`);
    return phase();
  }
  const customers = Number(args.customers);
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`--customers must be a whole number ≥ 0\n${USAGE}`);
  const anchor = typeof args.anchor === 'string' ? new Date(`${args.anchor}T00:00:00Z`) : undefined;
  if (anchor && Number.isNaN(anchor.getTime())) throw new Error(`--anchor must be a date like 2026-11-22\n${USAGE}`);

  await ensureDatabase();
  runPhase('schema');
  const knex = connect();
  try {
    const result = await seedDemoData(knex, {
      customers,
      seed: typeof args.seed === 'string' ? args.seed : 42,
      reset: args.reset === true,
      anchor,
      log: (m) => process.stdout.write(m.includes('generated') ? `\r${m}   ` : `\n${m}`),
    });
    process.stdout.write('\n');
    console.log(
      `seeded ${result.customers} customers, ${result.orders} orders, ${result.interactions} interactions, ` +
        `${result.tagAssignments} tag assignments in ${(result.ms / 1000).toFixed(1)} s`
    );
  } finally {
    await knex.destroy();
  }
  runPhase('rebuild');
};

runScript(main);
