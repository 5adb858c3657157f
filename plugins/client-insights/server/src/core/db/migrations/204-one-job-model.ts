import { datetime, type Migration } from './migration';

/**
 * One job model (core/jobs/status.ts) for segment runs and tracked jobs: the status word
 * 'success' (was 'succeeded' in ci_jobs and ci_value_runs), a `phase` (ci_jobs' `step`),
 * progress as a fraction 0..1 (segment runs stored a percentage), and a cancel request.
 */
const migration: Migration = {
  id: '204-one-job-model',
  async up(knex) {
    await knex('ci_jobs').where('status', 'succeeded').update({ status: 'success' });
    await knex('ci_value_runs').where('status', 'succeeded').update({ status: 'success' });
    await knex.schema.alterTable('ci_jobs', (t) => t.renameColumn('step', 'phase'));
    await knex('ci_jobs').where('status', 'success').update({ phase: 'done' });
    await knex('ci_jobs').where('status', 'queued').whereNull('phase').update({ phase: 'queued' });
    await knex.schema.alterTable('ci_jobs', (t) => {
      datetime(t, 'cancel_requested_at').nullable();
    });
    await knex.schema.alterTable('ci_segment_runs', (t) => {
      t.double('progress').notNullable().defaultTo(0);
      datetime(t, 'cancel_requested_at').nullable();
    });
    await knex('ci_segment_runs').update({ progress: knex.raw('percent / 100.0') });
    await knex.schema.alterTable('ci_segment_runs', (t) => t.dropColumn('percent'));
  },
};

export default migration;
