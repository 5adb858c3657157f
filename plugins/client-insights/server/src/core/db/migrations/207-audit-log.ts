import { datetime, type Migration } from './migration';

/**
 * The audit log (core/audit): one row per audited operation, written by the application and never
 * updated; deleted only by the retention purge.
 */
const migration: Migration = {
  id: '207-audit-log',
  async up(knex) {
    await knex.schema.createTable('ci_audit_log', (t) => {
      t.bigIncrements('id').primary();
      datetime(t, 'at').notNullable();
      // admin (an admin user), api (an API token), system (a schedule or the server itself)
      t.string('actor_type', 12).notNullable();
      t.integer('actor_id').nullable();
      // What was done: the route, e.g. "PUT /segments/:id", or a system action's name.
      t.string('action', 160).notNullable();
      t.string('target_type', 40).nullable();
      t.string('target_id', 64).nullable();
      t.integer('status').nullable();
      t.string('ip', 64).nullable();
      t.string('user_agent', 255).nullable();
      // JSON: the change asked for and, where known, the state before it.
      t.text('details', 'longtext').nullable();
      t.index(['at'], 'ci_audit_log_at_idx');
      t.index(['target_type', 'target_id'], 'ci_audit_log_target_idx');
      t.index(['actor_type', 'actor_id', 'at'], 'ci_audit_log_actor_idx');
    });
  },
};

export default migration;
