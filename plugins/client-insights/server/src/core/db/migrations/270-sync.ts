import { datetime, type Migration } from './migration';

/**
 * Sync to external destinations (modules/sync).
 *
 * - destinations: where rows go (`type` warehouse, webhook or file) with `config` as JSON text;
 *   `secret` (the warehouse password or the webhook signing secret) encrypted at rest.
 * - runs: one row per run with its watermark and progress, committed after every batch: which
 *   kind of rows (`kind_index`) and the last customer id done (`last_customer_id`), so a restarted run
 *   continues after the last committed batch; counts sent, deleted, rejected and why.
 * - ledger: what each destination was last sent, one row per natural key with a fingerprint of
 *   its values, so an incremental run sends only what changed and deletes what disappeared.
 */
const migration: Migration = {
  id: '270-sync',
  async up(knex) {
    await knex.schema.createTable('ci_sync_destinations', (t) => {
      t.increments('id').primary();
      t.string('name', 200).notNullable();
      t.string('type', 16).notNullable();
      t.text('config').notNullable();
      t.text('secret').nullable();
      t.boolean('enabled').notNullable().defaultTo(true);
      t.string('cron', 120).notNullable();
      t.string('timezone', 64).notNullable();
      t.integer('created_by').nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('ci_sync_runs', (t) => {
      t.increments('id').primary();
      t.integer('destination_id').unsigned().notNullable();
      t.integer('job_id').unsigned().nullable();
      t.string('mode', 12).notNullable();
      t.string('trigger', 12).notNullable();
      t.string('status', 12).notNullable();
      t.integer('kind_index').notNullable().defaultTo(0);
      t.integer('last_customer_id').nullable();
      t.boolean('prepared').notNullable().defaultTo(false);
      t.integer('batches').notNullable().defaultTo(0);
      t.integer('sent').notNullable().defaultTo(0);
      t.integer('deleted').notNullable().defaultTo(0);
      t.integer('rejected').notNullable().defaultTo(0);
      t.text('rejections').nullable();
      t.text('error').nullable();
      t.integer('attempts').notNullable().defaultTo(1);
      datetime(t, 'watermark').notNullable();
      datetime(t, 'started_at').notNullable();
      datetime(t, 'finished_at').nullable();
      t.index(['destination_id', 'id'], 'ci_sync_runs_destination_idx');
    });
    await knex.schema.createTable('ci_sync_ledger', (t) => {
      t.integer('destination_id').unsigned().notNullable();
      t.string('kind', 8).notNullable();
      t.string('row_key', 40).notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.string('fingerprint', 64).notNullable();
      t.primary(['destination_id', 'kind', 'row_key']);
      t.index(['destination_id', 'kind', 'customer_id'], 'ci_sync_ledger_customer_idx');
    });
  },
};

export default migration;
