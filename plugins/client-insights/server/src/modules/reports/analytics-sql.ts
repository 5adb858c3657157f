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
const each = <T>(items: T[], part: (x: T, k: number) => Sql, separator = ',\n    ') => joinSql(items.map(part), separator);

type Range = { start: Date; end: Date };

/**
 * The distinct ranges a customer's activity flags are read for: each period and the window before
 * it. A comparison that is the year before the period is also the period's window: one flag, not two.
 */
const activityRanges = (periods: Period[]) => {
  const ranges: Range[] = [];
  const indexOf = (r: Range) => {
    const i = ranges.findIndex((x) => x.start.getTime() === r.start.getTime() && x.end.getTime() === r.end.getTime());
    return i >= 0 ? i : ranges.push(r) - 1;
  };
  const flags = periods.map((p) => ({ cur: indexOf(p), prev: indexOf(windowBefore(p)) }));
  return { ranges, flags };
};

/**
 * One statement for all the periods (the period and its comparison), summed in the database: one
 * row per period and segment comes back. Its parts, each read once for all periods:
 * - `mem`: the members of each segment during each period (membership.ts) and, as segment 0,
 *   every customer created before the period's end;
 * - `ord`: per customer and period, the sums of their paid orders in it (a row only for buyers);
 * - `act`: per customer, one flag per distinct range (a period, the window before it): active
 *   (a paid order or an interaction) in it. Only these flags are computed over the interactions,
 *   the largest table; order sums would cost a numeric addition per interaction row too.
 */
export const periodFigures = async (knex: Knex, t: HostTables, segmentIds: number[], periods: Period[]): Promise<Array<Map<number, Figures>>> => {
  const d = (x: Date) => dateParam(knex, x);
  const orders = raw(TABLES.customerOrders);
  const { ranges, flags } = activityRanges(periods);
  const earliest = new Date(Math.min(...ranges.map((r) => r.start.getTime())));
  const latest = new Date(Math.max(...ranges.map((r) => r.end.getTime())));
  const firstStart = new Date(Math.min(...periods.map((p) => p.start.getTime())));
  const lastEnd = new Date(Math.max(...periods.map((p) => p.end.getTime())));
  const within = (col: string, r: Range) => sql`${raw(col)} >= ${d(r.start)} and ${raw(col)} < ${d(r.end)}`;
  /** A per-period column of the row's period (`cust.revenue_0`, `cust.revenue_1`, …). */
  const ofK = (column: string) => raw(`case mem.k ${periods.map((_, k) => `when ${k} then cust.${column}_${k}`).join(' ')} end`);
  /** The activity flag of the row's period (`cur`) or of the window before it (`prev`). */
  const flagOf = (which: 'cur' | 'prev') => raw(`case mem.k ${flags.map((f, k) => `when ${k} then cust.a_${f[which]}`).join(' ')} end`);
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
  ord as (
    select o.customer_id,
    ${each(
      periods,
      (p, k) => sql`sum(case when ${within('o.ordered_at', p)} then o.amount else 0 end) as revenue_${raw(String(k))},
    sum(case when ${within('o.ordered_at', p)} then 1 else 0 end) as orders_${raw(String(k))},
    sum(case when ${within('o.ordered_at', p)} then o.gross_margin end) as margin_${raw(String(k))},
    sum(case when ${within('o.ordered_at', p)} and o.gross_margin is not null then 1 else 0 end) as margin_orders_${raw(String(k))}`
    )}
    from ${orders} o where o.status = 'paid' and ${within('o.ordered_at', { start: firstStart, end: lastEnd })}
    group by o.customer_id
  ),
  act as (
    select a.customer_id,
    ${each(ranges, (r, j) => sql`max(case when ${within('a.at', r)} then 1 else 0 end) as a_${raw(String(j))}`)}
    from (
      select o.customer_id, o.ordered_at as at from ${orders} o where o.status = 'paid' and ${within('o.ordered_at', { start: earliest, end: latest })}
      union all
      select e.customer_id, e.occurred_at as at from ${raw(TABLES.customerEvents)} e where ${within('e.occurred_at', { start: earliest, end: latest })}
    ) a
    group by a.customer_id
  ),
  cust as (
    select act.*, ${each(periods, (_, k) => raw(['revenue', 'orders', 'margin', 'margin_orders'].map((c) => `ord.${c}_${k}`).join(', ')))}
    from act left join ord on ord.customer_id = act.customer_id
  )
  select mem.k, mem.segment_id, count(*) as customers,
    coalesce(sum(${ofK('revenue')}), 0) as revenue,
    coalesce(sum(${ofK('orders')}), 0) as orders,
    sum(case when ${ofK('orders')} > 0 then 1 else 0 end) as buyers,
    sum(${ofK('margin')}) as margin,
    coalesce(sum(${ofK('margin_orders')}), 0) as margin_orders,
    sum(case when ${flagOf('prev')} = 1 then 1 else 0 end) as base,
    sum(case when ${flagOf('prev')} = 1 and ${flagOf('cur')} = 1 then 1 else 0 end) as kept
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
