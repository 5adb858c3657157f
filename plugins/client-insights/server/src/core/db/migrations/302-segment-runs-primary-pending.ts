import type { Migration } from './migration';

/**
 * Primary segments are recomputed after a run's swap commits (one writer at a time across
 * segments); this marks runs whose recomputation is still owed, so a crash cannot skip it.
 */
const migration: Migration = {
  id: '302-segment-runs-primary-pending',
  async up(knex) {
    await knex.schema.alterTable('ci_segment_runs', (t) => {
      t.boolean('primary_pending').notNullable().defaultTo(false);
    });
  },
};

export default migration;
