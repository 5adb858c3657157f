import { datetime, type Migration } from './migration';

/**
 * Segment history (modules/segments/history): every change of a segment's rule, settings or
 * parent as a numbered version with who made it, by which path, and the state it left; who asked
 * for a run (null: the system: schedules, value refreshes, recovery); and an index that lets the
 * enter/exit events be replayed per customer (a past run's membership, history/membership.ts).
 */
const migration: Migration = {
  id: '240-segment-versions',
  async up(knex) {
    await knex.schema.createTable('ci_segment_versions', (t) => {
      t.increments('id').primary();
      t.integer('segment_id').unsigned().notNullable();
      t.integer('version').notNullable();
      datetime(t, 'created_at').notNullable();
      // admin, api or system
      t.string('actor_type', 8).notNullable();
      t.integer('actor_id').nullable();
      // plugin, content-manager, rest, graphql, restore, system, backfill
      t.string('source', 16).notNullable();
      t.integer('restored_from').nullable();
      // The segment's settings, rule and parent as JSON; `changed` the fields that differ from the version before.
      t.text('state').notNullable();
      t.text('changed').notNullable();
      t.unique(['segment_id', 'version'], { indexName: 'ci_segment_versions_uq' });
    });
    await knex.schema.alterTable('ci_segment_runs', (t) => {
      t.string('requested_by_type', 8).nullable();
      t.integer('requested_by_id').nullable();
    });
    await knex.schema.alterTable('ci_segment_events', (t) => {
      t.index(['segment_id', 'customer_id', 'id'], 'ci_segment_events_replay_idx');
    });
  },
};

export default migration;
