import { datetime, type Migration } from './migration';

/**
 * Value models (values/): one row per calculation run, each run's RFM rows and model outputs
 * (the history that quadrant migration is reported from), and the fitted models with their
 * parameters, log-likelihood / holdout AUC and fit date. ci_customer_scores holds the latest run.
 */
const migration: Migration = {
  id: '201-value-models',
  async up(knex) {
    await knex.schema.createTable('ci_value_runs', (t) => {
      t.increments('id').primary();
      t.string('status', 12).notNullable();
      t.string('trigger', 12).notNullable();
      t.integer('job_id').unsigned().nullable();
      t.string('model_version', 64).nullable();
      t.text('config').notNullable();
      t.text('stats').nullable();
      t.text('error').nullable();
      datetime(t, 'started_at').notNullable();
      datetime(t, 'finished_at').nullable();
      t.index(['status', 'id'], 'ci_value_runs_status_idx');
    });
    await knex.schema.createTable('ci_value_score_history', (t) => {
      t.integer('run_id').unsigned().notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.smallint('has_orders').notNullable();
      t.integer('recency_days').nullable();
      t.integer('frequency').notNullable();
      t.decimal('monetary', 16, 2).notNullable();
      t.decimal('monetary_capped', 16, 2).notNullable();
      t.integer('r').notNullable();
      t.integer('f').notNullable();
      t.integer('m').notNullable();
      t.decimal('rfm', 8, 4).notNullable();
      t.string('rfm_segment', 20).notNullable();
      t.string('quadrant', 20).notNullable();
      t.smallint('risk_tag').notNullable();
      t.decimal('overdue_amount', 16, 2).notNullable();
      t.integer('complaints').notNullable();
      t.integer('margin_missing').notNullable();
      t.primary(['run_id', 'customer_id']);
      t.index(['customer_id', 'run_id'], 'ci_value_score_history_customer_idx');
    });
    await knex.schema.createTable('ci_value_model_scores', (t) => {
      t.integer('run_id').unsigned().notNullable();
      t.integer('customer_id').unsigned().notNullable();
      t.double('p_alive').nullable();
      t.double('expected_transactions').nullable();
      t.double('expected_spend').nullable();
      t.decimal('clv', 14, 2).nullable();
      t.string('clv_method', 12).notNullable();
      t.double('churn_risk').nullable();
      t.double('renewal_probability').nullable();
      t.double('upsell_probability').nullable();
      t.primary(['run_id', 'customer_id']);
    });
    await knex.schema.createTable('ci_value_models', (t) => {
      t.increments('id').primary();
      t.integer('run_id').unsigned().notNullable();
      t.string('kind', 20).notNullable();
      t.string('version', 64).notNullable();
      t.string('method', 20).notNullable();
      t.text('params').notNullable();
      t.double('log_likelihood').nullable();
      t.text('metrics').nullable();
      datetime(t, 'fitted_at').notNullable();
      t.index(['kind', 'id'], 'ci_value_models_kind_idx');
      t.index(['run_id'], 'ci_value_models_run_idx');
    });
  },
};

export default migration;
