import { datetime, type Migration } from './migration';

/**
 * Segment execution (segments/): one row per run shaped like SegmentResult, the per-run diff,
 * enter/exit events for automation and each customer's primary segment. A run's member
 * snapshot lives in ci_segment_members under its run id.
 */
const migration: Migration = {
  id: '301-segment-runs',
  async up(knex) {
    await knex.schema.createTable('ci_segment_runs', (t) => {
      t.increments('id').primary();
      t.string('execution_id', 36).notNullable().unique();
      t.integer('segment_id').unsigned().notNullable();
      t.string('trigger', 16).notNullable();
      t.string('status', 10).notNullable();
      t.string('phase', 16).notNullable();
      t.integer('percent').notNullable().defaultTo(0);
      // Cron tick a scheduled run belongs to: unique per segment, so a tick runs once across nodes.
      t.string('schedule_slot', 40).nullable();
      t.integer('previous_run_id').unsigned().nullable();
      t.integer('attempts').notNullable().defaultTo(0);
      datetime(t, 'created_at').notNullable();
      datetime(t, 'executed_at').nullable();
      datetime(t, 'finished_at').nullable();
      t.integer('execution_time_ms').nullable();
      t.integer('customer_count').nullable();
      t.integer('added_count').nullable();
      t.integer('removed_count').nullable();
      t.integer('kept_count').nullable();
      t.integer('skipped_count').nullable();
      t.decimal('avg_order_value', 16, 2).nullable();
      t.decimal('total_revenue', 18, 2).nullable();
      t.bigInteger('order_count').nullable();
      t.decimal('churn_rate', 7, 6).nullable();
      t.text('error').nullable();
      t.unique(['segment_id', 'schedule_slot'], { indexName: 'ci_segment_runs_slot_uq' });
      t.index(['segment_id', 'id'], 'ci_segment_runs_segment_idx');
      t.index(['status'], 'ci_segment_runs_status_idx');
    });
    await knex.schema.createTable('ci_segment_changes', (t) => {
      t.integer('run_id').unsigned().notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.string('change', 8).notNullable();
      t.primary(['run_id', 'customer_id']);
      t.index(['run_id', 'change', 'customer_id'], 'ci_segment_changes_kind_idx');
    });
    await knex.schema.createTable('ci_segment_events', (t) => {
      t.increments('id').primary();
      t.integer('segment_id').unsigned().notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.string('kind', 5).notNullable();
      datetime(t, 'occurred_at').notNullable();
      t.integer('run_id').unsigned().nullable();
      t.index(['segment_id', 'occurred_at'], 'ci_segment_events_segment_idx');
      t.index(['customer_id', 'occurred_at'], 'ci_segment_events_customer_idx');
    });
    await knex.schema.createTable('ci_customer_primary_segment', (t) => {
      t.integer('customer_id').unsigned().primary();
      t.integer('segment_id').unsigned().notNullable();
      t.integer('priority').notNullable();
      datetime(t, 'updated_at').notNullable();
      t.index(['segment_id'], 'ci_customer_primary_segment_segment_idx');
    });
  },
};

export default migration;
