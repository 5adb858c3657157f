import type { Knex } from 'knex';
import { dateParam, rowsOf, withWorkMem } from '../../core/db/dialect';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';
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
const each = (periods: Period[], part: (p: Period, k: number) => Sql, separator = ',\n    ') => joinSql(periods.map(part), separator);

/**
 * One statement for all the periods (the period and its comparison): the members of each segment
 * during each period (membership.ts) and, as segment 0, every customer created before its end;
 * joined to one row per customer holding, for each period, their paid orders' sums
 * (ci_customer_orders) and whether they were active (a paid order or an interaction) in the period
 * and in the window before it: the orders and interactions are read once for all periods.
 * Everything is summed in the database: one row per period and segment comes back.
 */
export const periodFigures = async (knex: Knex, t: HostTables, segmentIds: number[], periods: Period[]): Promise<Array<Map<number, Figures>>> => {
  const d = (x: Date) => dateParam(knex, x);
  const orders = raw(TABLES.customerOrders);
  const earliest = new Date(Math.min(...periods.map((p) => windowBefore(p).start.getTime())));
  const latest = new Date(Math.max(...periods.map((p) => p.end.getTime())));
  const inPeriod = (col: string, p: Period) => sql`${raw(col)} >= ${d(p.start)} and ${raw(col)} < ${d(p.end)}`;
  /** A per-period column (`cust.revenue_0`, `cust.revenue_1`, …) of the row's period. */
  const ofK = (column: string) => raw(`case mem.k ${periods.map((_, k) => `when ${k} then ${column}_${k}`).join(' ')} end`);
  const statement = sql`with iv as (${membershipIntervals(segmentIds)}),
  mem as (
    ${each(
      periods,
      (p, k) => sql`select distinct ${raw(String(k))} as k, iv.segment_id, iv.customer_id from iv where ${overlaps(d(p.start), d(p.end))}
    union all
    select ${raw(String(k))} as k, ${ALL_CUSTOMERS} as segment_id, c.id as customer_id from ${raw(t.customers)} c where c.created_at < ${d(p.end)}`,
      '\n    union all\n    '
    )}
  ),
  cust as (
    select a.customer_id,
    ${each(
      periods,
      (p, k) => sql`sum(case when a.paid = 1 and ${inPeriod('a.at', p)} then a.amount else 0 end) as revenue_${raw(String(k))},
    sum(case when a.paid = 1 and ${inPeriod('a.at', p)} then 1 else 0 end) as orders_${raw(String(k))},
    sum(case when a.paid = 1 and ${inPeriod('a.at', p)} then a.margin end) as margin_${raw(String(k))},
    sum(case when a.paid = 1 and ${inPeriod('a.at', p)} and a.margin is not null then 1 else 0 end) as margin_orders_${raw(String(k))},
    max(case when ${inPeriod('a.at', p)} then 1 else 0 end) as cur_${raw(String(k))},
    max(case when ${inPeriod('a.at', { ...p, ...windowBefore(p) })} then 1 else 0 end) as prev_${raw(String(k))}`
    )}
    from (
      select o.customer_id, o.ordered_at as at, o.amount, o.gross_margin as margin, 1 as paid
      from ${orders} o where o.status = 'paid' and o.ordered_at >= ${d(earliest)} and o.ordered_at < ${d(latest)}
      union all
      select e.customer_id, e.occurred_at as at, null, null, 0 from ${raw(TABLES.customerEvents)} e where e.occurred_at >= ${d(earliest)} and e.occurred_at < ${d(latest)}
    ) a
    group by a.customer_id
  )
  select mem.k, mem.segment_id, count(*) as customers,
    coalesce(sum(${ofK('cust.revenue')}), 0) as revenue,
    coalesce(sum(${ofK('cust.orders')}), 0) as orders,
    sum(case when ${ofK('cust.orders')} > 0 then 1 else 0 end) as buyers,
    sum(${ofK('cust.margin')}) as margin,
    coalesce(sum(${ofK('cust.margin_orders')}), 0) as margin_orders,
    sum(case when ${ofK('cust.prev')} = 1 then 1 else 0 end) as base,
    sum(case when ${ofK('cust.prev')} = 1 and ${ofK('cust.cur')} = 1 then 1 else 0 end) as kept
  from mem
  left join cust on cust.customer_id = mem.customer_id
  group by mem.k, mem.segment_id`;
  // Hashes in memory and no JIT: the planner prices this statement high and would compile it for seconds (dialect withWorkMem).
  const rows = rowsOf(await withWorkMem(knex, 64, (trx) => trx.raw(statement.sql, statement.bindings as Knex.RawBinding[])));
  const out = periods.map(() => new Map<number, Figures>());
  for (const r of rows) {
    out[Number(r.k)].set(Number(r.segment_id), {
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
