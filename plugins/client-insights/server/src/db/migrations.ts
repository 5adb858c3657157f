import type { Knex } from 'knex';

export type Migration = { id: string; up: (knex: Knex) => Promise<void> };

const migrations: Migration[] = [
  {
    // A customer's tags live here, not in a Strapi relation: each assignment keeps its source,
    // confidence, creation time and expiry, and bulk apply / merge are single SQL statements.
    id: '001-customer-tags',
    async up(knex) {
      await knex.schema.createTable('ci_customer_tags', (t) => {
        t.integer('customer_id').unsigned().notNullable();
        t.integer('tag_id').unsigned().notNullable();
        t.string('source', 10).notNullable().defaultTo('manual');
        t.decimal('confidence', 5, 4).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('expires_at', { useTz: true }).nullable();
        t.primary(['customer_id', 'tag_id']);
        t.index(['tag_id', 'customer_id'], 'ci_customer_tags_tag_idx');
      });
    },
  },
];

export default migrations;
