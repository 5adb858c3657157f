import { datetime, type Migration } from './migration';

/**
 * Consent per channel (modules/customers/consent.ts): one row per customer and channel with the
 * latest decision, when and from what source. Earlier decisions are in the audit log (before/after).
 * A `customer_id` column, so a customer's data export and erasure (privacy/) include it.
 */
const migration: Migration = {
  id: '211-customer-consent',
  async up(knex) {
    await knex.schema.createTable('ci_customer_consent', (t) => {
      t.integer('customer_id').notNullable();
      // email, sms, phone, push
      t.string('channel', 16).notNullable();
      t.boolean('granted').notNullable();
      datetime(t, 'changed_at').notNullable();
      t.string('source', 100).notNullable();
      t.integer('changed_by').nullable();
      t.primary(['customer_id', 'channel']);
    });
  },
};

export default migration;
