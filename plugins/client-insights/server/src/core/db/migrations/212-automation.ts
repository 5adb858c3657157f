import { datetime, type Migration } from './migration';

/**
 * Automation's durable state (modules/automation). The database is the queue: every effect is a
 * row here before it happens, and its idempotency key is unique, so a retry, a crash or a second
 * node never performs a step twice.
 *
 * - versions: the definition a rule ran with, snapshotted at each activation (rule_doc is the
 *   AutomationRule's documentId, stable across edits).
 * - inbox: events recorded in the writer's transaction (interactions, stage changes, segment
 *   runs …), turned into occurrences by the engine and deleted in the same transaction.
 * - occurrences: one trigger firing for one customer; the unique key makes a re-delivered event
 *   fire once, and re-entry policies read the customer's earlier rows.
 * - outbox: one row per step to run, due at due_at (a wait is a later due_at, never a timer).
 * - logs: what happened to each step (sent, skipped with its reason, failed, dead …).
 */
const migration: Migration = {
  id: '212-automation',
  async up(knex) {
    await knex.schema.createTable('ci_automation_versions', (t) => {
      t.increments('id').primary();
      t.string('rule_doc', 64).notNullable();
      t.integer('version').notNullable();
      t.text('definition', 'longtext').notNullable();
      t.boolean('high_risk').notNullable();
      t.integer('created_by').nullable();
      t.integer('approved_by').nullable();
      datetime(t, 'created_at').notNullable();
      t.unique(['rule_doc', 'version'], { indexName: 'ci_automation_versions_key' });
    });
    await knex.schema.createTable('ci_automation_inbox', (t) => {
      t.bigIncrements('id').primary();
      // interaction.<type> or a system event (shared/enums.ts AUTOMATION_EVENTS), or segment.run
      t.string('event', 40).notNullable();
      t.integer('customer_id').nullable();
      // The row behind the event (interaction id, segment run id …), part of the occurrence key.
      t.string('ref', 100).notNullable();
      t.text('payload').nullable();
      datetime(t, 'occurred_at').notNullable();
    });
    await knex.schema.createTable('ci_automation_occurrences', (t) => {
      t.bigIncrements('id').primary();
      t.string('rule_doc', 64).notNullable();
      t.integer('version').notNullable();
      t.integer('customer_id').notNullable();
      // What fired: `<event>:<ref>`, `date:<field>:<day>`, `manual:<request>` …
      t.string('trigger_key', 200).notNullable();
      // running, done, exited, holdout, skipped
      t.string('state', 16).notNullable();
      t.boolean('test').notNullable().defaultTo(false);
      datetime(t, 'fired_at').notNullable();
      t.unique(['rule_doc', 'customer_id', 'trigger_key'], { indexName: 'ci_automation_occurrences_key' });
      t.index(['customer_id', 'rule_doc', 'fired_at'], 'ci_automation_occurrences_customer_idx');
    });
    await knex.schema.createTable('ci_automation_outbox', (t) => {
      t.bigIncrements('id').primary();
      // rule version : customer : occurrence : step path
      t.string('idem_key', 255).notNullable();
      t.string('rule_doc', 64).notNullable();
      t.integer('version').notNullable();
      t.bigInteger('occurrence_id').notNullable();
      t.integer('customer_id').notNullable();
      // The step's place in the definition: "0", "2.then.1" …
      t.string('step_path', 100).notNullable();
      // pending, claimed, done, skipped, dead, cancelled
      t.string('status', 16).notNullable();
      datetime(t, 'due_at').notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.string('last_error', 1000).nullable();
      t.string('claimed_by', 100).nullable();
      datetime(t, 'claimed_until').nullable();
      t.boolean('test').notNullable().defaultTo(false);
      // JSON: the trigger's event data the step may use (template variables, webhook body).
      t.text('context').nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'updated_at').notNullable();
      t.unique(['idem_key'], { indexName: 'ci_automation_outbox_key' });
      t.index(['status', 'due_at'], 'ci_automation_outbox_due_idx');
      t.index(['occurrence_id'], 'ci_automation_outbox_occurrence_idx');
    });
    await knex.schema.createTable('ci_automation_logs', (t) => {
      t.bigIncrements('id').primary();
      t.string('rule_doc', 64).notNullable();
      t.integer('version').notNullable();
      t.bigInteger('occurrence_id').nullable();
      t.integer('customer_id').nullable();
      t.string('trigger_key', 200).nullable();
      t.string('step_path', 100).nullable();
      // email, sms, push, webhook, task, notify, tag, stage, segment; null for the trigger itself
      t.string('action', 20).nullable();
      t.string('channel', 16).nullable();
      // triggered, sent, done, skipped, retrying, failed, dead, test, exited
      t.string('status', 16).notNullable();
      // shared/enums.ts SKIP_REASONS
      t.string('reason', 40).nullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.string('error', 1000).nullable();
      t.integer('latency_ms').nullable();
      t.string('idem_key', 255).nullable();
      t.boolean('test').notNullable().defaultTo(false);
      datetime(t, 'created_at').notNullable();
      t.index(['rule_doc', 'created_at'], 'ci_automation_logs_rule_idx');
      t.index(['customer_id', 'channel', 'created_at'], 'ci_automation_logs_customer_idx');
      t.index(['created_at'], 'ci_automation_logs_time_idx');
    });
  },
};

export default migration;
