import { datetime, type Migration } from './migration';

/**
 * Maker-checker approvals (modules/approvals): one row per request, its state moved forward only
 * by conditional updates (`where status = 'pending'`), so two approvers racing run the work once.
 */
const migration: Migration = {
  id: '208-approvals',
  async up(knex) {
    await knex.schema.createTable('ci_approvals', (t) => {
      t.increments('id').primary();
      // export (automation next)
      t.string('kind', 40).notNullable();
      // pending, approved, executed, failed, rejected, expired, cancelled
      t.string('status', 16).notNullable();
      t.integer('requested_by').notNullable();
      t.text('reason').notNullable();
      // JSON: the work to run once approved, and what it would do (rows, fields, recipients).
      t.text('payload', 'longtext').notNullable();
      t.text('preview').notNullable();
      t.integer('decided_by').nullable();
      t.text('comment').nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'decided_at').nullable();
      datetime(t, 'expires_at').notNullable();
      datetime(t, 'executed_at').nullable();
      t.integer('job_id').nullable();
      t.string('error', 500).nullable();
      t.index(['status', 'kind', 'expires_at'], 'ci_approvals_status_idx');
      t.index(['requested_by', 'created_at'], 'ci_approvals_requester_idx');
    });
  },
};

export default migration;
