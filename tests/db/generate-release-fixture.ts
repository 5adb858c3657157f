/**
 * Writes tests/db/release-664c603.json: for each database, the statements the migrations of
 * release 664c603 ran on a database holding Strapi's tables and nothing of the plugin, recorded as
 * knex sent them. tests/db/upgrade.test.ts replays them to build that release's schema.
 *
 *   npm run build:ts && node scripts/run-ts.js tests/db/generate-release-fixture.ts [sqlite|postgres|mysql ...]
 *
 * (no argument: all three; a run for some databases keeps the others' entries). The release's
 * code is taken from git (`git archive`), so nothing of today's code runs its migrations; today's
 * app only creates Strapi's tables, with the release's column names (releaseHostColumns).
 */
import { execSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Knex } from 'knex';
import type { DbClient } from '../helpers/databases';
import { ROOT, startStrapi } from '../helpers/strapi';
import { dropPluginSchema, encodeBinding, pluginSchema, type RecordedStatement } from './plugin-schema';
import { FIXTURE, readReleaseFixture, RELEASE, releaseHostColumns } from './release';

type Migrate = (knex: Knex) => Promise<void>;

const SOURCES = 'plugins/client-insights/server/src';

/** The release's migration code, unpacked under .tmp/ (inside the repository, so its imports resolve). */
const releaseCode = (): { migrate: Migrate; ids: string[] } => {
  const dir = path.join(ROOT, '.tmp', `release-${RELEASE}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execSync(`git archive ${RELEASE} ${SOURCES}/db ${SOURCES}/metrics | tar -x -C "${dir}"`, { cwd: ROOT, stdio: 'inherit' });
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { migrate } = require(path.join(dir, SOURCES, 'db', 'migrate.ts'));
  const list: Array<{ id: string }> = require(path.join(dir, SOURCES, 'db', 'migrations.ts')).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { migrate, ids: list.map((m) => m.id) };
};

/** knex reports PostgreSQL statements with numbered parameters; knex.raw (the replay) takes `?`. */
const knexPlaceholders = (sql: string): string => {
  let next = 1;
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    if (Number(n) !== next) throw new Error(`parameters out of order in: ${sql}`);
    next += 1;
    return '?';
  });
};

/** Transaction control and the migration lock: the replay runs in no transaction and needs no lock. */
const isBookkeeping = (sql: string) =>
  /^\s*(begin|commit|rollback|savepoint|release savepoint|start transaction|set transaction)\b/i.test(sql) ||
  /\b(pg_advisory_lock|pg_advisory_unlock|pg_try_advisory_lock|get_lock|release_lock)\s*\(/i.test(sql);

const record = async (client: DbClient, { migrate, ids }: { migrate: Migrate; ids: string[] }) => {
  process.env.TEST_DB = client;
  const app = await startStrapi();
  await app.strapi.destroy();
  const knex = app.db.connect();
  try {
    await dropPluginSchema(knex, client);
    const left = await pluginSchema(knex, client);
    if (left.columns.length || left.indexes.length) throw new Error(`plugin schema left after the drop: ${JSON.stringify(left)}`);
    await releaseHostColumns(knex);
    const statements: RecordedStatement[] = [];
    // Instants (ci_migrations.applied_at) as the release's commit time, so that a new run writes the same file.
    const releasedAt = new Date(execSync(`git show -s --format=%cI ${RELEASE}`, { cwd: ROOT }).toString().trim());
    const stable = (value: unknown) => encodeBinding(value instanceof Date ? releasedAt : value);
    knex.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (!isBookkeeping(q.sql)) statements.push({ sql: client === 'postgres' ? knexPlaceholders(q.sql) : q.sql, bindings: (q.bindings ?? []).map(stable) });
    });
    await migrate(knex);
    knex.removeAllListeners('query');
    const applied = (await knex('ci_migrations').pluck('id')) as string[];
    if ([...applied].sort().join() !== [...ids].sort().join()) throw new Error(`applied ${applied.join(' ')}, expected ${ids.join(' ')}`);
    return { migrations: ids, statements };
  } finally {
    await knex.destroy();
    await app.db.drop();
  }
};

const main = async () => {
  const clients = (process.argv.slice(2).length ? process.argv.slice(2) : ['sqlite', 'postgres', 'mysql']) as DbClient[];
  const code = releaseCode();
  const fixture = readReleaseFixture();
  for (const client of clients) {
    fixture[client] = await record(client, code);
    console.log(`${client}: ${fixture[client]!.statements.length} statements of migrations ${fixture[client]!.migrations.join(' ')}`);
  }
  fs.writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
