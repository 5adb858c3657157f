import type { Migration } from './migration';

/**
 * Durable queue of customers whose metrics rollup must be recomputed (metrics/queue.ts):
 * written in the writer's transaction, drained after commit, at startup and every minute.
 */
const migration: Migration = {
  id: '101-metrics-dirty',
  async up(knex) {
    await knex.schema.createTable('ci_metrics_dirty', (t) => {
      t.increments('id').primary();
      t.integer('customer_id').unsigned().notNullable();
    });
  },
};

export default migration;
