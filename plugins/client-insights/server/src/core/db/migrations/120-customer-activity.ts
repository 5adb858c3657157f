import type { Knex } from 'knex';
import { analyzeTables } from '../dialect/planner';
import { indexExists } from '../dialect/schema';
import { datetime, type Migration } from './migration';

/**
 * `insert into <table> (<columns>) <select>`, a form every dialect accepts (SQLite refuses a
 * parenthesised select): core/db/insert-select.ts as it was at release, copied so that this
 * migration stays as it ran.
 */
const insertSelect = (knex: Knex, table: string, columns: string[], select: Knex.QueryBuilder) => {
  const { sql, bindings } = select.toSQL();
  const head = knex.raw(`insert into ?? (${columns.map(() => '??').join(', ')})`, [table, ...columns]).toQuery();
  return knex.raw(`${head} ${sql}`, bindings as Knex.RawBinding[]);
};

/**
 * Each customer's events and orders with the customer on the row (metrics/activity.ts): the
 * rule operators' windows become index range scans instead of joins through the link tables.
 * The covering indexes of 110 served those joins only; they go, sparing every write their upkeep.
 *
 * The first copy is written here, as it was at release (the statements metrics/activity.ts ran
 * then), into the new tables before their indexes are built: one sorted build per index instead
 * of row-by-row upkeep.
 *
 * Edited after release (see 005): the copy reads orders.payment_status (a fresh database has no
 * orders.status) and drops 110's indexes under the names 110 now gives them. The plugin's own
 * ci_customer_orders.status keeps its name.
 */
const migration: Migration = {
  id: '120-customer-activity',
  async up(knex) {
    await knex.schema.createTable('ci_customer_events', (t) => {
      t.integer('customer_id').unsigned().notNullable();
      t.string('type', 255).nullable();
      datetime(t, 'occurred_at').nullable();
    });
    await knex.schema.createTable('ci_customer_orders', (t) => {
      t.integer('customer_id').unsigned().notNullable();
      t.integer('order_id').unsigned().notNullable();
      t.string('status', 255).nullable();
      t.string('kind', 255).nullable();
      datetime(t, 'ordered_at').nullable();
      t.decimal('amount', 14, 2).nullable();
      t.decimal('gross_margin', 14, 2).nullable();
      datetime(t, 'contract_end_at').nullable();
    });
    await insertSelect(
      knex,
      'ci_customer_events',
      ['customer_id', 'type', 'occurred_at'],
      knex('interactions_customer_lnk as il').join('interactions as i', 'i.id', 'il.interaction_id').select('il.customer_id', 'i.type', 'i.occurred_at')
    );
    await insertSelect(
      knex,
      'ci_customer_orders',
      ['customer_id', 'order_id', 'status', 'kind', 'ordered_at', 'amount', 'gross_margin', 'contract_end_at'],
      knex('orders_customer_lnk as ol')
        .join('orders as o', 'o.id', 'ol.order_id')
        .select('ol.customer_id', { order_id: 'o.id', status: 'o.payment_status' }, 'o.kind', 'o.ordered_at', 'o.amount', 'o.gross_margin', 'o.contract_end_at')
    );
    await knex.schema.alterTable('ci_customer_events', (t) => {
      t.index(['type', 'occurred_at', 'customer_id'], 'ci_customer_events_window_idx');
      t.index(['customer_id'], 'ci_customer_events_customer_idx');
    });
    await knex.schema.alterTable('ci_customer_orders', (t) => {
      t.index(['status', 'ordered_at', 'customer_id', 'amount'], 'ci_customer_orders_window_idx');
      t.index(['customer_id'], 'ci_customer_orders_customer_idx');
    });
    await analyzeTables(knex, ['ci_customer_events', 'ci_customer_orders'], { always: true });
    const covering: Array<[string, string]> = [
      ['interactions', 'ci_interactions_id_type_occurred_at_idx'],
      ['interactions', 'ci_interactions_type_occurred_at_id_idx'],
      ['orders', 'ci_orders_id_payment_status_ordered_at_amount_idx'],
      ['orders', 'ci_orders_payment_status_ordered_at_id_amount_idx'],
    ];
    for (const [table, name] of covering) {
      if (await indexExists(knex, table, name)) await knex.schema.alterTable(table, (t) => t.dropIndex([], name));
    }
  },
};

export default migration;
