import { datetime, type Migration } from './migration';

/**
 * The metrics.* facts of docs/rules.md, one row per customer (maintained by metrics/).
 */
const migration: Migration = {
  id: '002-customer-metrics',
  async up(knex) {
    await knex.schema.createTable('ci_customer_metrics', (t) => {
      t.integer('customer_id').unsigned().primary();
      t.integer('order_count').notNullable().defaultTo(0);
      t.decimal('total_spent', 14, 2).notNullable().defaultTo(0);
      t.decimal('gross_margin', 14, 2).notNullable().defaultTo(0);
      t.decimal('avg_order_value', 14, 2).nullable();
      datetime(t, 'first_order_at').nullable();
      datetime(t, 'last_order_at').nullable();
      t.integer('renewal_count').notNullable().defaultTo(0);
      t.decimal('overdue_amount', 14, 2).notNullable().defaultTo(0);
      datetime(t, 'contract_end_at').nullable();
      datetime(t, 'last_interaction_at').nullable();
      t.integer('referral_count').notNullable().defaultTo(0);
      t.integer('complaint_count').notNullable().defaultTo(0);
      datetime(t, 'updated_at').nullable();
      for (const column of ['total_spent', 'order_count', 'last_order_at', 'last_interaction_at', 'contract_end_at', 'overdue_amount']) {
        t.index([column], `ci_customer_metrics_${column}_idx`);
      }
    });
  },
};

export default migration;
