import { indexExists } from '../dialect/schema';
import type { Migration } from './migration';

/**
 * Ranking a run's changed customers again (segments/priority.ts) reads all their membership rows,
 * in every segment and retained run, and keeps those of the current runs. With the run id in the
 * customer index PostgreSQL and SQLite answer that from the index alone; with (customer_id,
 * segment_id) each row was a heap read, so a run's cost grew with the number of other segments.
 * (MySQL's secondary indexes end with the primary key, so they held the run id already.)
 */
const migration: Migration = {
  id: '305-segment-members-customer-run-index',
  async up(knex) {
    const table = 'ci_segment_members';
    await knex.schema.alterTable(table, (t) => t.index(['customer_id', 'segment_id', 'run_id'], 'ci_segment_members_customer_run_idx'));
    if (await indexExists(knex, table, 'ci_segment_members_customer_idx'))
      await knex.schema.alterTable(table, (t) => t.dropIndex([], 'ci_segment_members_customer_idx'));
  },
};

export default migration;
