import type { Migration } from './migration';

/**
 * Customers whose segment membership is still to be re-evaluated (segments/change-trigger.ts),
 * written with their refreshed facts so a crash in between loses nothing.
 */
const migration: Migration = {
  id: '130-segment-pending',
  async up(knex) {
    await knex.schema.createTable('ci_segment_pending', (t) => {
      t.increments('id').primary();
      t.integer('customer_id').unsigned().notNullable();
    });
  },
};

export default migration;
