import { indexExists } from '../dialect/schema';
import type { Migration } from './migration';

/**
 * The rule compiler's probe strategy (rules/compile.ts) asks, per candidate customer, for its
 * events of one type or its paid orders in a window: with the filtered columns after the
 * customer id those probes read only the index entries they count. The customer-only indexes
 * they replace served the per-customer deletes of metrics/activity.ts, which these serve too.
 */
const migration: Migration = {
  id: '140-activity-probe-indexes',
  async up(knex) {
    const swaps: Array<[string, string, string, string[]]> = [
      ['ci_customer_events', 'ci_customer_events_customer_idx', 'ci_customer_events_probe_idx', ['customer_id', 'type', 'occurred_at']],
      ['ci_customer_orders', 'ci_customer_orders_customer_idx', 'ci_customer_orders_probe_idx', ['customer_id', 'status', 'ordered_at', 'amount']],
    ];
    for (const [table, old, name, columns] of swaps) {
      await knex.schema.alterTable(table, (t) => t.index(columns, name));
      if (await indexExists(knex, table, old)) await knex.schema.alterTable(table, (t) => t.dropIndex([], old));
    }
  },
};

export default migration;
