import type { Migration } from './migration';

/**
 * The daily frequency cap, counted where every node sees it: one row per customer, channel and
 * calendar day in the customer's time zone (`day` = YYYY-MM-DD), incremented by a conditional
 * update while under the cap. Counting the day's sent log lines alone let two nodes that ran a
 * step of the same customer at once both find the day free.
 */
const migration: Migration = {
  id: '214-automation-cap-slots',
  async up(knex) {
    await knex.schema.createTable('ci_automation_cap_slots', (t) => {
      t.integer('customer_id').notNullable();
      t.string('channel', 16).notNullable();
      t.string('day', 10).notNullable();
      t.integer('used').notNullable().defaultTo(0);
      t.primary(['customer_id', 'channel', 'day']);
      t.index(['day'], 'ci_automation_cap_slots_day_idx');
    });
  },
};

export default migration;
