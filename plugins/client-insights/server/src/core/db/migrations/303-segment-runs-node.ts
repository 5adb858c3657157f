import type { Migration } from './migration';

/**
 * Which process executed a segment run (host:pid), for operators of several app nodes.
 */
const migration: Migration = {
  id: '303-segment-runs-node',
  async up(knex) {
    await knex.schema.alterTable('ci_segment_runs', (t) => {
      t.string('node', 100).nullable();
    });
  },
};

export default migration;
