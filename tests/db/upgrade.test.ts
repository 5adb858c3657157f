import type { Knex } from 'knex';
import { isUniqueViolation } from '../../plugins/client-insights/server/src/core/db/dialect';
import { migrate } from '../../plugins/client-insights/server/src/core/db/migrate';
import migrations from '../../plugins/client-insights/server/src/core/db/migrations';
import { renameStatusColumns, STATUS_RENAMES } from '../../plugins/client-insights/server/src/core/db/migrations/status-renames';
import { HOST_TABLES, hostTables } from '../../plugins/client-insights/server/src/core/db/tables';
import { dbClient } from '../helpers/databases';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { dropPluginSchema, PLUGIN_HOST_COLUMNS, pluginSchema, replay, type PluginSchema } from './plugin-schema';
import { readReleaseFixture, RELEASE, releaseHostColumns } from './release';

/**
 * A database created by release 664c603 (its migrations' statements, recorded by
 * generate-release-fixture.ts) ends, once migrated by today's code, with the same plugin schema as
 * a fresh one: same tables, columns, indexes and constraints. A migration whose SQL changed
 * after its release, or a reordered list, makes the two differ.
 *
 * An upgrade as it happens: the release's Strapi tables have their `status` columns; on boot,
 * register.ts's hook renames them before Strapi's schema sync (renameStatusColumns), then the
 * plugin's bootstrap migrates.
 */
describe(`upgrade from release ${RELEASE}`, () => {
  const client = dbClient();
  const release = readReleaseFixture()[client];
  let app: TestApp;
  let knex: Knex;
  let fresh: PluginSchema;

  beforeAll(async () => {
    if (!release) throw new Error(`no ${client} entry in the release fixture: run tests/db/generate-release-fixture.ts ${client}`);
    app = await startStrapi({ emptyDatabase: true });
  });
  /** The release's database: Strapi's tables under the release's column names, then its migrations' statements. */
  const buildRelease = async () => {
    await dropPluginSchema(knex, client);
    await releaseHostColumns(knex);
    await replay(knex, release!.statements);
  };
  /** What a boot of today's code does to it: the pre-sync rename (register.ts), then migrate. */
  const upgrade = async () => {
    await renameStatusColumns(knex);
    await migrate(knex);
  };

  afterAll(async () => {
    await knex?.destroy();
    await app?.db.drop();
  });

  it('names host tables as Strapi does (the registry that SQL built without Strapi uses)', () => {
    expect(hostTables(app.strapi)).toEqual(HOST_TABLES);
  });

  it('applies only the migrations added since, in list order, and ends with the schema of a fresh database', async () => {
    await app.strapi.destroy();
    knex = app.db.connect();
    fresh = await pluginSchema(knex, client);
    expect(fresh.columns.length).toBeGreaterThan(100);

    await dropPluginSchema(knex, client);
    expect(await pluginSchema(knex, client)).toEqual({ columns: [], indexes: [], constraints: [] });
    await buildRelease();
    for (const { table } of STATUS_RENAMES) expect([table, await knex.schema.hasColumn(table, 'status')]).toEqual([table, true]);
    // The release's list is where today's list starts: the same ids in the same order.
    expect(migrations.slice(0, release!.migrations.length).map((m) => m.id)).toEqual(release!.migrations);
    expect((await knex('ci_migrations').pluck('id')).sort()).toEqual([...release!.migrations].sort());

    const applied: string[] = [];
    const recordInsert = (q: { sql: string; bindings?: unknown[] }) => {
      if (/insert into .ci_migrations./.test(q.sql)) applied.push(String(q.bindings!.find((b) => typeof b === 'string')));
    };
    knex.on('query', recordInsert);
    await upgrade();
    knex.off('query', recordInsert);
    expect(applied).toEqual(migrations.slice(release!.migrations.length).map((m) => m.id));

    expect(await pluginSchema(knex, client)).toEqual(fresh);
    for (const [table, column] of PLUGIN_HOST_COLUMNS) expect([table, column, await knex.schema.hasColumn(table, column)]).toEqual([table, column, true]);
    for (const { table, to } of STATUS_RENAMES) {
      expect([table, await knex.schema.hasColumn(table, 'status'), await knex.schema.hasColumn(table, to)]).toEqual([table, false, true]);
    }
  });

  it('makes segment keys unique: earlier duplicates renamed deterministically, new ones refused', async () => {
    // Back to the release's schema, with keys stored twice (two creates that raced past the check).
    await buildRelease();
    const insert = async (key: string | null) => {
      await knex(HOST_TABLES.segments).insert({ document_id: `doc-${Math.random().toString(36).slice(2)}`, name: key ?? 'no key', key });
      return Number((await knex(HOST_TABLES.segments).max({ id: 'id' }).first())!.id);
    };
    const vip1 = await insert('vip');
    const vip2 = await insert('vip');
    const vip3 = await insert('vip');
    const taken = await insert(`vip-${vip2}`); // the name vip2 would get is taken: it gets another suffix
    const other = await insert('other');
    await insert(null);
    await insert(null);
    await upgrade();
    const keys = Object.fromEntries((await knex(HOST_TABLES.segments).whereNotNull('key').select('id', 'key')).map((r: any) => [Number(r.id), r.key]));
    expect(keys).toEqual({ [vip1]: 'vip', [vip2]: `vip-${vip2}-${vip2}`, [vip3]: `vip-${vip3}`, [taken]: `vip-${vip2}`, [other]: 'other' });
    expect(await pluginSchema(knex, client)).toEqual(fresh);

    const error = await insert('vip').then(
      () => null,
      (e: unknown) => e
    );
    expect(error).not.toBeNull();
    expect(isUniqueViolation(error)).toBe(true);
  });
});
