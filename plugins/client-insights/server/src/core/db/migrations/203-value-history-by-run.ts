import { indexExists } from '../dialect/schema';
import type { Migration } from './migration';

/**
 * The value-score history is read by run only (its key, run_id + customer_id: the R×F matrix,
 * quadrant migration, customer filters); the (customer_id, run_id) index served no query and
 * took about a third of the time to write a run (1M rows per run at 1M customers).
 */
const migration: Migration = {
  id: '203-value-history-by-run',
  async up(knex) {
    const name = 'ci_value_score_history_customer_idx';
    if (await indexExists(knex, 'ci_value_score_history', name)) await knex.schema.alterTable('ci_value_score_history', (t) => t.dropIndex([], name));
  },
};

export default migration;
