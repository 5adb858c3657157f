import type { Knex } from 'knex';
import { dialectOf } from '../../core/db/dialect';
import { withDeferredIndexes } from '../../core/db/deferred-indexes';
import { insertSelect } from '../../core/db/insert-select';

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
export const EVENTS_TABLE = 'ci_customer_events';
export const ORDERS_TABLE = 'ci_customer_orders';

/** Columns of ORDERS_TABLE, in the order of the source select (migration 120 creates them). */
const ORDER_COLUMNS = ['customer_id', 'order_id', 'status', 'kind', 'ordered_at', 'amount', 'gross_margin', 'contract_end_at'];

const sources = (knex: Knex, ids?: number[]) => {
  const events = knex('interactions_customer_lnk as il')
    .join('interactions as i', 'i.id', 'il.interaction_id')
    .select('il.customer_id', 'i.type', 'i.occurred_at');
  const orders = knex('orders_customer_lnk as ol')
    .join('orders as o', 'o.id', 'ol.order_id')
    .select('ol.customer_id', { order_id: 'o.id', status: 'o.payment_status' }, 'o.kind', 'o.ordered_at', 'o.amount', 'o.gross_margin', 'o.contract_end_at');
  if (ids) {
    events.whereIn('il.customer_id', ids);
    orders.whereIn('ol.customer_id', ids);
  }
  return [
    { table: EVENTS_TABLE, columns: ['customer_id', 'type', 'occurred_at'], select: events },
    { table: ORDERS_TABLE, columns: ORDER_COLUMNS, select: orders },
  ];
};

/**
 * Replaces the activity of these customers (all customers without `ids`); run it inside the
 * caller's transaction. After a full copy the caller refreshes the planner statistics once it has
 * committed (metrics/queue.ts vacuums and analyses; ANALYZE inside the transaction is not seen by
 * other sessions before the commit anyway).
 */
export const copyActivity = async (trx: Knex, ids?: number[]): Promise<void> => {
  if (!ids && dialectOf(trx) === 'postgres') return recopyAllPostgres(trx);
  for (const { table, columns, select } of sources(trx, ids)) {
    if (ids) await trx(table).whereIn('customer_id', ids).delete();
    else await trx(table).delete();
    await insertSelect(trx, table, columns, select);
  }
};

/**
 * Every row again, PostgreSQL: truncate, load without indexes, build them once. Row-by-row delete
 * and index upkeep of 7.5M events took 350 s at 1M customers. Readers of the copies wait for the
 * rebuild's commit (they would otherwise read a half-empty table).
 */
const recopyAllPostgres = async (trx: Knex): Promise<void> => {
  await trx.raw(`truncate ${EVENTS_TABLE}, ${ORDERS_TABLE}`);
  await withDeferredIndexes(trx, [EVENTS_TABLE, ORDERS_TABLE], async (inner) => {
    for (const { table, columns, select } of sources(inner)) await insertSelect(inner, table, columns, select);
  });
};
