import { datetime, type Migration } from './migration';

/**
 * Automation's HTTP channels and in-app notifications (modules/automation/actions, notifications).
 *
 * - endpoints: where webhook actions post; `secret` is the Standard Webhooks signing secret,
 *   encrypted at rest (core/security/field-crypto.ts). The circuit breaker's state lives on the
 *   row so every node sees it: consecutive transient failures and, once open, `open_until`.
 * - rate: one counter row per channel and minute (epoch minutes); a node sends only after its
 *   conditional increment under the channel's budget succeeded.
 * - notifications: one row per admin user; `idem_key` + `user_id` unique so a retried notify
 *   action never notifies twice.
 * - task keys: the idempotency key of each Task an action created, written in the Task's
 *   transaction, so a retried task action (after a crash) finds its task instead of making another.
 */
const migration: Migration = {
  id: '220-automation-endpoints',
  async up(knex) {
    await knex.schema.createTable('ci_automation_endpoints', (t) => {
      t.increments('id').primary();
      t.string('name', 200).notNullable();
      t.string('url', 2000).notNullable();
      t.text('secret').notNullable();
      t.boolean('enabled').notNullable().defaultTo(true);
      t.integer('consecutive_failures').notNullable().defaultTo(0);
      datetime(t, 'open_until').nullable();
      t.integer('created_by').nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('ci_automation_rate', (t) => {
      t.string('channel', 16).notNullable();
      t.bigInteger('minute').notNullable();
      t.integer('sends').notNullable().defaultTo(0);
      t.primary(['channel', 'minute']);
    });
    await knex.schema.createTable('ci_notifications', (t) => {
      t.bigIncrements('id').primary();
      t.integer('user_id').notNullable();
      t.string('title', 300).notNullable();
      t.text('body').notNullable();
      t.integer('customer_id').nullable();
      t.string('rule_doc', 64).nullable();
      t.string('link', 500).nullable();
      t.string('idem_key', 255).nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'read_at').nullable();
      t.unique(['idem_key', 'user_id'], { indexName: 'ci_notifications_key' });
      t.index(['user_id', 'read_at', 'created_at'], 'ci_notifications_user_idx');
    });
    await knex.schema.createTable('ci_automation_task_keys', (t) => {
      t.string('idem_key', 255).primary();
      t.string('task_doc', 64).notNullable();
      datetime(t, 'created_at').notNullable();
    });
  },
};

export default migration;
