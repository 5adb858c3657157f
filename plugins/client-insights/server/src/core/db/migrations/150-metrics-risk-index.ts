import { createPartialIndex } from '../dialect/schema';
import type { Migration } from './migration';

/**
 * The metrics rows that carry a churn-risk signal (overdue payments or complaints; about one
 * customer in ten), in customer order. A broad preview's risk split (rules/risk-split.ts) reads
 * these instead of every metrics row: at 1M customers, seven behaviour signals matching 565k,
 * the figures went from 1.03 s to 0.70 s. PostgreSQL and SQLite only (createPartialIndex).
 */
const migration: Migration = {
  id: '150-metrics-risk-index',
  async up(knex) {
    await createPartialIndex(
      knex,
      'ci_customer_metrics',
      'ci_customer_metrics_risk_idx',
      ['customer_id', 'overdue_amount', 'complaint_count'],
      'overdue_amount > 0 or complaint_count > 0'
    );
  },
};

export default migration;
