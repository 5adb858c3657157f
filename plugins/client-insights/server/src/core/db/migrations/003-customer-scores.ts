import { datetime, type Migration } from './migration';

/**
 * The latest score.* values of docs/rules.md, one row per scored customer (written by values/).
 */
const migration: Migration = {
  id: '003-customer-scores',
  async up(knex) {
    await knex.schema.createTable('ci_customer_scores', (t) => {
      t.integer('customer_id').unsigned().primary();
      t.integer('r').nullable();
      t.integer('f').nullable();
      t.integer('m').nullable();
      t.decimal('rfm', 8, 4).nullable();
      t.string('rfm_segment', 20).nullable();
      t.string('quadrant', 20).nullable();
      t.decimal('clv', 14, 2).nullable();
      t.decimal('churn_risk', 6, 5).nullable();
      t.decimal('renewal_probability', 6, 5).nullable();
      t.decimal('upsell_probability', 6, 5).nullable();
      t.string('model_version', 64).nullable();
      datetime(t, 'calculated_at').nullable();
      for (const column of ['rfm_segment', 'quadrant', 'clv', 'churn_risk']) {
        t.index([column], `ci_customer_scores_${column}_idx`);
      }
    });
  },
};

export default migration;
