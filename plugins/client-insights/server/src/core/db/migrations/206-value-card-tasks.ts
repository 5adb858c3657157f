import { datetime, type Migration } from './migration';

/**
 * Follow-up tasks created from a value card (values/card-tasks.ts), one row per card and UTC day:
 * its primary key makes the creation idempotent per card and day, so a double click (or two
 * admins at once) creates the tasks once.
 */
const migration: Migration = {
  id: '206-value-card-tasks',
  async up(knex) {
    await knex.schema.createTable('ci_value_card_tasks', (t) => {
      t.string('card_kind', 20).notNullable();
      t.string('card_key', 40).notNullable();
      t.string('day', 10).notNullable();
      t.integer('run_id').unsigned().nullable();
      t.integer('tasks').notNullable();
      t.integer('created_by').unsigned().nullable();
      datetime(t, 'created_at').notNullable();
      t.primary(['card_kind', 'card_key', 'day']);
    });
  },
};

export default migration;
