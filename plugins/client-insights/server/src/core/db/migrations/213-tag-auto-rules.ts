import { datetime, type Migration } from './migration';

/**
 * Auto-tag rules applied on their own (modules/tags/auto-*.ts): the customers whose tags are still
 * to be re-evaluated after their data changed (written with their refreshed facts, so a crash in
 * between loses nothing), and the log of every application of a tag's rule.
 */
const migration: Migration = {
  id: '213-tag-auto-rules',
  async up(knex) {
    await knex.schema.createTable('ci_tag_rule_pending', (t) => {
      t.increments('id').primary();
      t.integer('customer_id').unsigned().notNullable();
    });
    await knex.schema.createTable('ci_tag_rule_log', (t) => {
      t.increments('id').primary();
      t.integer('tag_id').notNullable();
      // data-change, schedule, manual
      t.string('trigger_kind', 16).notNullable();
      // Customers re-evaluated; null for a run over everyone.
      t.integer('customers').nullable();
      t.integer('matched').notNullable();
      t.integer('added').notNullable();
      t.integer('removed').notNullable();
      t.integer('duration_ms').notNullable();
      datetime(t, 'at').notNullable();
      t.index(['tag_id', 'id'], 'ci_tag_rule_log_tag_idx');
    });
  },
};

export default migration;
