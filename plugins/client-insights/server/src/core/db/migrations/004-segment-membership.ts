import { datetime, type Migration } from './migration';

/**
 * Segment membership by run; the current membership is the run named in ci_segment_current,
 * so a new run fills its rows first and then swaps the pointer (readers never see half a run).
 */
const migration: Migration = {
  id: '004-segment-membership',
  async up(knex) {
    await knex.schema.createTable('ci_segment_members', (t) => {
      t.integer('segment_id').unsigned().notNullable();
      t.integer('run_id').unsigned().notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.primary(['segment_id', 'run_id', 'customer_id']);
      t.index(['customer_id', 'segment_id'], 'ci_segment_members_customer_idx');
    });
    await knex.schema.createTable('ci_segment_current', (t) => {
      t.integer('segment_id').unsigned().primary();
      t.integer('run_id').unsigned().notNullable();
      datetime(t, 'updated_at').notNullable();
    });
  },
};

export default migration;
