import type { Migration } from './migration';

/**
 * Covering indexes for the rule compiler's custom operators (rules/compile.ts): per-customer
 * probes go link table → row by id and need the filtered columns without visiting the table
 * (id first); window scans by (status|type, date) need the id (and amount) for the same reason.
 *
 * Edited after release (see 005): orders.status is orders.payment_status on a fresh database.
 * On a release database these indexes were built on `status` and 120 dropped them again.
 */
const migration: Migration = {
  id: '110-rule-covering-indexes',
  async up(knex) {
    const indexes: Array<[string, string[]]> = [
      ['interactions', ['id', 'type', 'occurred_at']],
      ['interactions', ['type', 'occurred_at', 'id']],
      ['orders', ['id', 'payment_status', 'ordered_at', 'amount']],
      ['orders', ['payment_status', 'ordered_at', 'id', 'amount']],
      ['ci_customer_tags', ['customer_id', 'tag_id', 'expires_at']],
      ['ci_customer_tags', ['tag_id', 'expires_at', 'customer_id']],
    ];
    for (const [table, columns] of indexes) {
      await knex.schema.alterTable(table, (t) => t.index(columns, `ci_${table}_${columns.join('_')}_idx`.slice(0, 63)));
    }
  },
};

export default migration;
