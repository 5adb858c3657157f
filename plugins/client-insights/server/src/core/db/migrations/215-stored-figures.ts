import { datetime, type Migration } from './migration';

/**
 * Report figures computed ahead of the question (modules/reports/stored-figures.ts).
 * - `ci_data_versions`: a counter per kind of input, raised in the transaction that changes it
 *   (`activity`: the activity copies and metrics rollup, metrics/activity.ts). A stored figure
 *   records the counters it was computed from; equal counters now mean it is still exact.
 * - `ci_report_figures`: one row per report kind, question key (e.g. a period and its time zone)
 *   and segment (0: all customers), with the activity counter and the segment's current run it was
 *   computed from, when, and when it was last asked for (what the refresher keeps current).
 */
const migration: Migration = {
  id: '215-stored-figures',
  async up(knex) {
    await knex.schema.createTable('ci_data_versions', (t) => {
      t.string('name', 32).primary();
      t.bigInteger('version').notNullable().defaultTo(0);
      datetime(t, 'changed_at').notNullable();
    });
    await knex.schema.createTable('ci_report_figures', (t) => {
      t.increments('id').primary();
      t.string('kind', 16).notNullable();
      t.string('question', 128).notNullable();
      t.integer('segment_id').notNullable();
      t.bigInteger('activity_version').notNullable();
      t.integer('run_id').nullable();
      t.text('figures').notNullable();
      datetime(t, 'computed_at').notNullable();
      datetime(t, 'asked_at').notNullable();
      t.unique(['kind', 'question', 'segment_id'], { indexName: 'ci_report_figures_uq' });
      t.index(['asked_at'], 'ci_report_figures_asked_idx');
    });
  },
};

export default migration;
