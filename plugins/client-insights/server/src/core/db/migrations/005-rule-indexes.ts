import type { Migration } from './migration';

/**
 * Indexes on every Strapi column a rule filters or joins on (Strapi leaves extra indexes alone).
 *
 * Edited after release, the one exception to "frozen": Order's `status` became `payment_status`
 * (Strapi reserves `status`), so a fresh database has no orders.status to index. A release
 * database ran this with `status`; the pre-sync rename (status-renames.ts) and 006 bring its
 * column and index to these names.
 */
const migration: Migration = {
  id: '005-rule-indexes',
  async up(knex) {
    const indexes: Array<[string, string[]]> = [
      ['customers', ['stage']],
      ['customers', ['region']],
      ['customers', ['language']],
      ['customers', ['education']],
      ['customers', ['lead_source']],
      ['customers', ['target_major']],
      ['customers', ['program']],
      ['customers', ['created_at']],
      ['orders', ['payment_status', 'ordered_at']],
      ['orders', ['kind']],
      ['interactions', ['type', 'occurred_at']],
      ['interactions', ['occurred_at']],
      ['orders_customer_lnk', ['customer_id', 'order_id']],
      ['interactions_customer_lnk', ['customer_id', 'interaction_id']],
      ['tags', ['slug']],
      ['segments', ['key']],
    ];
    for (const [table, columns] of indexes) {
      await knex.schema.alterTable(table, (t) => t.index(columns, `ci_${table}_${columns.join('_')}_idx`));
    }
  },
};

export default migration;
