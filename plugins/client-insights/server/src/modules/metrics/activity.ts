import type { Knex } from 'knex';
import { reloadTables, type TableSource } from '../../core/db/dialect';
import { insertSelect } from '../../core/db/insert-select';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';

/**
 * Each customer's events and orders, one narrow row per interaction / order, with the customer id
 * on the row: what the rule operators `event_count`, `order_count` and `order_total` count, and
 * what the value models (values/) read: RFM, the CLV summary and the propensity features need an
 * order's kind, gross margin and contract end too, and its id to order same-instant purchases.
 *
 * Why copies: in Strapi's schema an interaction reaches its customer only through the link table,
 * so every windowed count joined the whole link table (750k rows per 100k customers) to the
 * interactions of the window. Here a window is one range scan of (type, occurred_at, customer_id)
 * that already carries the customer. The copies are kept current exactly like the metrics rollup
 * (same drain, same transaction, see queue.ts), so rules read them as they read `metrics.*`.
 */
/** Columns of the orders copy, in the order of the source select (migration 120 creates them). */
const ORDER_COLUMNS = ['customer_id', 'order_id', 'status', 'kind', 'ordered_at', 'amount', 'gross_margin', 'contract_end_at'];

const sources = (knex: Knex, ids?: number[]): TableSource[] => {
  const events = knex(`${H.interactionCustomer.table} as il`)
    .join(`${H.interactions} as i`, 'i.id', 'il.interaction_id')
    .select('il.customer_id', 'i.type', 'i.occurred_at');
  const orders = knex(`${H.orderCustomer.table} as ol`)
    .join(`${H.orders} as o`, 'o.id', 'ol.order_id')
    .select('ol.customer_id', { order_id: 'o.id', status: 'o.payment_status' }, 'o.kind', 'o.ordered_at', 'o.amount', 'o.gross_margin', 'o.contract_end_at');
  if (ids) {
    events.whereIn('il.customer_id', ids);
    orders.whereIn('ol.customer_id', ids);
  }
  return [
    { table: TABLES.customerEvents, columns: ['customer_id', 'type', 'occurred_at'], select: events },
    { table: TABLES.customerOrders, columns: ORDER_COLUMNS, select: orders },
  ];
};

/**
 * Replaces the activity of these customers (all customers without `ids`); run it inside the
 * caller's transaction. After a full copy the caller refreshes the planner statistics once it has
 * committed (metrics/queue.ts vacuums and analyses; ANALYZE inside the transaction is not seen by
 * other sessions before the commit anyway).
 */
export const copyActivity = async (trx: Knex, ids?: number[]): Promise<void> => {
  if (!ids) return reloadTables(trx, (inner) => sources(inner));
  for (const { table, columns, select } of sources(trx, ids)) {
    await trx(table).whereIn('customer_id', ids).delete();
    await insertSelect(trx, table, columns, select);
  }
};
