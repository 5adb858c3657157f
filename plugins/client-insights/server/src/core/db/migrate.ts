import type { Knex } from 'knex';
import { ddlTransaction, withLock } from './dialect';
import migrations from './migrations';
import { TABLES } from './tables';

/**
 * Applies the plugin's own schema (bulk tables and extra indexes) once per database.
 * Strapi leaves tables and indexes it did not create alone, so these survive its schema sync.
 */
export const migrate = async (knex: Knex) => {
  await withLock(knex, 'client-insights:migrate', () =>
    ddlTransaction(knex, async (trx) => {
      if (!(await trx.schema.hasTable(TABLES.migrations))) {
        await trx.schema.createTable(TABLES.migrations, (t) => {
          t.string('id', 100).primary();
          t.timestamp('applied_at', { useTz: true }).notNullable();
        });
      }
      const applied = new Set((await trx(TABLES.migrations).select('id')).map((r: { id: string }) => r.id));
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        await migration.up(trx);
        await trx(TABLES.migrations).insert({ id: migration.id, applied_at: new Date() });
      }
    })
  );
};
