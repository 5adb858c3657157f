import type { Migration } from './migration';

/**
 * Indexes on every Strapi column a rule filters or joins on (Strapi leaves extra indexes alone).
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
      ['orders', ['status', 'ordered_at']],
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
