import type { Knex } from 'knex';
import { dateParam, rowsOf } from '../../core/db/dialect';
import { raw, sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import { membershipIntervals, overlaps } from './membership';
import { windowBefore, type Period } from './periods';

/** The sums a period's metrics are computed from, per segment (0: all customers). */
export type Figures = {
  customers: number;
  revenue: number;
  orders: number;
  buyers: number;
  margin: number | null;
  marginOrders: number;
  /** Members active in the window before the period, and of them those active in it too. */
  base: number;
  kept: number;
};

export const ALL_CUSTOMERS = 0;

const num = (v: unknown) => Number(v ?? 0);

/**
 * One statement per period: the members of each segment during the period (membership.ts) and,
 * as segment 0, every customer created before its end; joined to each customer's paid orders in
 * the period (ci_customer_orders) and their activity (a paid order or an interaction) in the window
 * before it and in it. Everything is summed in the database: one row per segment comes back.
 */
export const periodFigures = async (knex: Knex, t: HostTables, segmentIds: number[], period: Period): Promise<Map<number, Figures>> => {
  const start = dateParam(knex, period.start);
  const end = dateParam(knex, period.end);
  const before = dateParam(knex, windowBefore(period).start);
  const orders = raw(TABLES.customerOrders);
  const statement = sql`with iv as (${membershipIntervals(segmentIds)}),
  mem as (
    select distinct iv.segment_id, iv.customer_id from iv where ${overlaps(start, end)}
    union all
    select ${ALL_CUSTOMERS} as segment_id, c.id as customer_id from ${raw(t.customers)} c where c.created_at < ${end}
  ),
  po as (
    select o.customer_id, sum(o.amount) as revenue, count(*) as orders, sum(o.gross_margin) as margin, count(o.gross_margin) as margin_orders
    from ${orders} o where o.status = 'paid' and o.ordered_at >= ${start} and o.ordered_at < ${end}
    group by o.customer_id
  ),
  act as (
    select a.customer_id, max(case when a.at >= ${start} then 1 else 0 end) as cur, max(case when a.at < ${start} then 1 else 0 end) as prev
    from (
      select o.customer_id, o.ordered_at as at from ${orders} o where o.status = 'paid' and o.ordered_at >= ${before} and o.ordered_at < ${end}
      union all
      select e.customer_id, e.occurred_at as at from ${raw(TABLES.customerEvents)} e where e.occurred_at >= ${before} and e.occurred_at < ${end}
    ) a
    group by a.customer_id
  )
  select mem.segment_id, count(*) as customers, coalesce(sum(po.revenue), 0) as revenue, coalesce(sum(po.orders), 0) as orders,
    sum(case when po.orders > 0 then 1 else 0 end) as buyers, sum(po.margin) as margin, coalesce(sum(po.margin_orders), 0) as margin_orders,
    sum(case when act.prev = 1 then 1 else 0 end) as base, sum(case when act.prev = 1 and act.cur = 1 then 1 else 0 end) as kept
  from mem
  left join po on po.customer_id = mem.customer_id
  left join act on act.customer_id = mem.customer_id
  group by mem.segment_id`;
  const rows = rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]));
  const out = new Map<number, Figures>();
  for (const r of rows) {
    out.set(Number(r.segment_id), {
      customers: num(r.customers),
      revenue: num(r.revenue),
      orders: num(r.orders),
      buyers: num(r.buyers),
      margin: r.margin === null || r.margin === undefined ? null : Number(r.margin),
      marginOrders: num(r.margin_orders),
      base: num(r.base),
      kept: num(r.kept),
    });
  }
  return out;
};
