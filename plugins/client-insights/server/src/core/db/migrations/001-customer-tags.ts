import { datetime, type Migration } from './migration';

/**
 * A customer's tags live here, not in a Strapi relation: each assignment keeps its source,
 * confidence, creation time and expiry, and bulk apply / merge are single SQL statements.
 */
const migration: Migration = {
  id: '001-customer-tags',
  async up(knex) {
    await knex.schema.createTable('ci_customer_tags', (t) => {
      t.integer('customer_id').unsigned().notNullable();
      t.integer('tag_id').unsigned().notNullable();
      t.string('source', 10).notNullable().defaultTo('manual');
      t.decimal('confidence', 5, 4).nullable();
      datetime(t, 'created_at').notNullable();
      datetime(t, 'expires_at').nullable();
      t.primary(['customer_id', 'tag_id']);
      t.index(['tag_id', 'customer_id'], 'ci_customer_tags_tag_idx');
    });
  },
};

export default migration;
