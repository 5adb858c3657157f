import type { Knex } from 'knex';
import { bumpVersion } from '../../core/db/data-versions';
import { allowBigAggregates, bindDate, nonLockingReads } from '../../core/db/dialect';
import { insertSelect as insertSelectInto } from '../../core/db/insert-select';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { copyActivity } from './activity';
import { LAST_EVENT_TYPES, lastEventColumn } from './last-events';

/**
 * The metrics rollup (`ci_customer_metrics`, the `metrics.*` facts of docs/rules.md): one SQL statement
 * computes the rows of every customer, or of some customers, from orders, interactions and the
 * referrer links. `rebuild` and `refresh` share that one statement, and copy the customers'
 * activity (activity.ts) in the same transaction, and raise the `activity` data version there.
 */
export const METRICS_COLUMNS = [
  'customer_id',
  'order_count',
  'total_spent',
  'gross_margin',
  'avg_order_value',
  'first_order_at',
  'last_order_at',
  'renewal_count',
  'overdue_amount',
  'contract_end_at',
  'last_interaction_at',
  'referral_count',
  'complaint_count',
  'updated_at',
  ...LAST_EVENT_TYPES.map(lastEventColumn),
];

/** Keeps `where id in (...)` lists well under every driver's parameter limit. */
export const ID_CHUNK = 1000;

/**
 * SELECT returning rows shaped like ci_customer_metrics, for all customers or only `ids`.
 * Grouped subqueries (one pass over each source table) joined to customers; with `ids` every
 * subquery is filtered on its indexed customer column, so a refresh touches only those rows.
 */
export const metricsSelect = (knex: Knex, { now, ids }: { now: Date; ids?: number[] }) => {
  const paid = (expr: string) => `case when o.payment_status = 'paid' then ${expr} end`;
  const orders = knex(`${H.orderCustomer.table} as ol`)
    .join(`${H.orders} as o`, 'o.id', 'ol.order_id')
    .select('ol.customer_id')
    .select(
      knex.raw(`sum(${paid('1')}) as order_count`),
      knex.raw(`sum(${paid('o.amount')}) as total_spent`),
      knex.raw(`sum(${paid('o.gross_margin')}) as gross_margin`),
      knex.raw(`min(${paid('o.ordered_at')}) as first_order_at`),
      knex.raw(`max(${paid('o.ordered_at')}) as last_order_at`),
      knex.raw(`sum(case when o.payment_status = 'paid' and o.kind = 'renewal' then 1 end) as renewal_count`),
      knex.raw(`sum(case when o.payment_status = 'overdue' then o.amount end) as overdue_amount`),
      knex.raw(`max(${paid('o.contract_end_at')}) as contract_end_at`)
    )
    .groupBy('ol.customer_id');
  const interactions = knex(`${H.interactionCustomer.table} as il`)
    .join(`${H.interactions} as i`, 'i.id', 'il.interaction_id')
    .select('il.customer_id')
    .select(knex.raw('max(i.occurred_at) as last_interaction_at'), knex.raw(`sum(case when i.type = 'complaint' then 1 end) as complaint_count`))
    .select(LAST_EVENT_TYPES.map((type) => knex.raw(`max(case when i.type = ? then i.occurred_at end) as ??`, [type, lastEventColumn(type)])))
    .groupBy('il.customer_id');
  const referrals = knex(`${H.referrer.table} as rl`)
    .select({ customer_id: 'rl.inv_customer_id' })
    .count({ referral_count: '*' })
    .groupBy('rl.inv_customer_id');
  const customers = knex(`${H.customers} as c`);
  if (ids) {
    orders.whereIn('ol.customer_id', ids);
    interactions.whereIn('il.customer_id', ids);
    referrals.whereIn('rl.inv_customer_id', ids);
    customers.whereIn('c.id', ids);
  }
  // Counts and sums are 0, never null; avg and datetimes stay null without orders (docs/rules.md).
  // `* 1.0` keeps SQLite from integer division; rounding matches the decimal(14,2) columns everywhere.
  // avg_order_value is the figure shown, at cents; rules compare total_spent / order_count
  // exactly (rules/quotient.ts).
  return customers
    .leftJoin(orders.as('om'), 'om.customer_id', 'c.id')
    .leftJoin(interactions.as('im'), 'im.customer_id', 'c.id')
    .leftJoin(referrals.as('rm'), 'rm.customer_id', 'c.id')
    .select(
      { customer_id: 'c.id' },
      knex.raw('coalesce(om.order_count, 0) as order_count'),
      knex.raw('round(coalesce(om.total_spent, 0), 2) as total_spent'),
      knex.raw('round(coalesce(om.gross_margin, 0), 2) as gross_margin'),
      knex.raw('case when om.order_count > 0 then round(om.total_spent * 1.0 / om.order_count, 2) end as avg_order_value'),
      'om.first_order_at',
      'om.last_order_at',
      knex.raw('coalesce(om.renewal_count, 0) as renewal_count'),
      knex.raw('round(coalesce(om.overdue_amount, 0), 2) as overdue_amount'),
      'om.contract_end_at',
      'im.last_interaction_at',
      knex.raw('coalesce(rm.referral_count, 0) as referral_count'),
      knex.raw('coalesce(im.complaint_count, 0) as complaint_count'),
      knex.raw('? as updated_at', [bindDate(knex, now)]),
      ...LAST_EVENT_TYPES.map((type) => `im.${lastEventColumn(type)}`)
    );
};

const insertSelect = (knex: Knex, select: Knex.QueryBuilder) => insertSelectInto(knex, TABLES.metrics, METRICS_COLUMNS, select);

const countRows = async (knex: Knex) => Number((await knex(TABLES.metrics).count({ n: '*' }).first())?.n ?? 0);

/**
 * Recomputes every row from scratch. Delete + insert inside one transaction, so readers keep
 * seeing the previous rollup until the new one is complete (no TRUNCATE: it would lock readers out).
 * Callers serialise it with refresh (see metrics/queue.ts) so the two never interleave, and
 * refresh the planner statistics after the commit (the queue's rebuild vacuums and analyses).
 */
export const rebuild = async (knex: Knex, { now = new Date() } = {}): Promise<{ rows: number }> =>
  knex.transaction(async (trx) => {
    await allowBigAggregates(trx);
    await bumpVersion(trx, 'activity');
    // Every mark committed so far is answered by the pass below, which reads later: marks commit
    // with their writes (queue.ts), so what this delete sees, the insert sees too.
    await trx(TABLES.metricsDirty).delete();
    await trx(TABLES.metrics).delete();
    await insertSelect(trx, metricsSelect(trx, { now }));
    await copyActivity(trx);
    return { rows: await countRows(trx) };
  }, nonLockingReads(knex));

/**
 * Recomputes the rows of `customerIds` (rows of customers that no longer exist disappear).
 * Runs on `knex`, which may be a transaction.
 */
export const refresh = async (knex: Knex, customerIds: number[], { now = new Date() } = {}): Promise<void> => {
  const ids = [...new Set(customerIds.map(Number).filter((id) => Number.isInteger(id) && id > 0))];
  if (ids.length === 0) return;
  const run = async (trx: Knex) => {
    // First, so that every refresh takes this row's lock before any metrics row (no lock-order cycle).
    await bumpVersion(trx, 'activity');
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHUNK);
      await trx(TABLES.metrics).whereIn('customer_id', chunk).delete();
      await insertSelect(trx, metricsSelect(trx, { now, ids: chunk }));
      await copyActivity(trx, chunk);
    }
  };
  if ((knex as Knex.Transaction).isTransaction) await run(knex);
  else await knex.transaction(run, nonLockingReads(knex));
};
