import type { Knex } from 'knex';
import { ddlTransaction, withLock } from './dialect';
import migrations from './migrations';

/**
 * Applies the plugin's own schema (bulk tables and extra indexes) once per database.
 * Strapi leaves tables and indexes it did not create alone, so these survive its schema sync.
 */
export const migrate = async (knex: Knex) => {
  await withLock(knex, 'client-insights:migrate', () => ddlTransaction(knex, async (trx) => {
    if (!(await trx.schema.hasTable('ci_migrations'))) {
      await trx.schema.createTable('ci_migrations', (t) => {
        t.string('id', 100).primary();
        t.timestamp('applied_at', { useTz: true }).notNullable();
      });
    }
    const applied = new Set((await trx('ci_migrations').select('id')).map((r: { id: string }) => r.id));
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      await migration.up(trx);
      await trx('ci_migrations').insert({ id: migration.id, applied_at: new Date() });
    }
  }));
};
