import { datetime, type Migration } from './migration';

/**
 * Tracked background jobs (jobs/tracker.ts), reusable by any module: status, progress and a
 * heartbeat, so a job whose process died is seen as stale and can be run again.
 */
const migration: Migration = {
  id: '202-jobs',
  async up(knex) {
    await knex.schema.createTable('ci_jobs', (t) => {
      t.increments('id').primary();
      t.string('kind', 64).notNullable();
      t.string('status', 12).notNullable();
      t.double('progress').notNullable().defaultTo(0);
      t.string('step', 64).nullable();
      t.text('params').nullable();
      t.text('result').nullable();
      t.text('error').nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'started_at').nullable();
      datetime(t, 'finished_at').nullable();
      datetime(t, 'heartbeat_at').nullable();
      t.index(['kind', 'status', 'id'], 'ci_jobs_kind_idx');
    });
  },
};

export default migration;
