import type { Knex } from 'knex';
import { dateParam, rowsOf, wholeTableStatement } from '../../core/db/dialect';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import { inList, membershipIntervals, overlaps } from './membership';
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

/** A period and the segments whose figures are wanted for it (all customers' always come too). */
export type PeriodAsk = { period: Period; segmentIds: number[] };

/**
 * One statement for all the periods (the period and its comparison), summed in the database: one
 * row per period and segment asked for it comes back. Its parts, each read once for all periods:
 * - `mem`: the members of each segment during each period it is asked for (membership.ts). The
 *   comparison asks for one segment, not every segment the ranking needs: at 1M customers the
 *   comparison's members of ten segments were 0.8M of the 2.1M rows sorted and joined below;
 * - `ord`: per customer, the sums of their paid orders in each period and whether they had one in
 *   each range (a period, the window before it);
 * - `evt`: per customer, whether they had an interaction in each range. Only these flags are
 *   computed over the interactions, the largest table: sums there cost a numeric addition per row;
 * - `cust`: one row per customer with any of these, with their creation: active in a range = a
 *   paid order or an interaction in it. Reached from the customers table, so the planner knows
 *   its size and hashes it (a group-by over a union is guessed at 200 rows and probed by index).
 * Each segment's figures are its members joined to `cust`. All customers (segment 0) need no
 * join: their count is a count of the customers created before the period's end, their sums
 * those of the `cust` rows created before it (a customer without activity adds nothing else).
 */
export const periodFigures = async (knex: Knex, t: HostTables, asks: PeriodAsk[]): Promise<Array<Map<number, Figures>>> => {
  const d = (x: Date) => dateParam(knex, x);
  const periods = asks.map((a) => a.period);
  const segmentIds = [...new Set(asks.flatMap((a) => a.segmentIds))];
  const orders = raw(TABLES.customerOrders);
  const { ranges, flags } = activityRanges(periods);
  const span = { start: new Date(Math.min(...ranges.map((r) => r.start.getTime()))), end: new Date(Math.max(...ranges.map((r) => r.end.getTime()))) };
  const within = (col: string, r: Range) => sql`${raw(col)} >= ${d(r.start)} and ${raw(col)} < ${d(r.end)}`;
  /** One 0/1 activity flag per range, `a_0`, `a_1`, …, over rows timed by `col`. */
  const activeIn = (col: string) => each(ranges, (r, j) => sql`max(case when ${within(col, r)} then 1 else 0 end) as a_${raw(String(j))}`);
  /** A per-period column of the member row's period (`cust.revenue_0`, `cust.revenue_1`, …). */
  const ofK = (column: string) => raw(`case mem.k ${periods.map((_, k) => `when ${k} then cust.${column}_${k}`).join(' ')} end`);
  /** The activity flag of the member row's period (`cur`) or of the window before it (`prev`). */
  const flagOf = (which: 'cur' | 'prev') => raw(`case mem.k ${flags.map((f, k) => `when ${k} then cust.a_${f[which]}`).join(' ')} end`);
  /** The sums of a group of customers, from a period's columns and flags of `cust`. */
  const sums = (col: (column: string) => Sql, flag: (which: 'cur' | 'prev') => Sql) => sql`coalesce(sum(${col('revenue')}), 0) as revenue,
    coalesce(sum(${col('orders')}), 0) as orders,
    sum(case when ${col('orders')} > 0 then 1 else 0 end) as buyers,
    sum(${col('margin')}) as margin,
    coalesce(sum(${col('margin_orders')}), 0) as margin_orders,
    sum(case when ${flag('prev')} = 1 then 1 else 0 end) as base,
    sum(case when ${flag('prev')} = 1 and ${flag('cur')} = 1 then 1 else 0 end) as kept`;
  const statement = sql`with iv as (${membershipIntervals(segmentIds)}),
  mem as (
    ${each(
      asks,
      ({ period: p, segmentIds: asked }, k) =>
        sql`select distinct ${raw(String(k))} as k, iv.segment_id, iv.customer_id from iv where ${overlaps(d(p.start), d(p.end))}${
          asked.length < segmentIds.length ? sql` and iv.segment_id in (${inList(asked)})` : raw('')
        }`,
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
    )},
    ${activeIn('o.ordered_at')}
    from ${orders} o where o.status = 'paid' and ${within('o.ordered_at', span)}
    group by o.customer_id
  ),
  evt as (
    select e.customer_id, ${activeIn('e.occurred_at')}
    from ${raw(TABLES.customerEvents)} e where ${within('e.occurred_at', span)}
    group by e.customer_id
  ),
  cust as (
    select c.id as customer_id, c.created_at,
    ${each(ranges, (_, j) => raw(`case when evt.a_${j} = 1 or ord.a_${j} = 1 then 1 else 0 end as a_${j}`))},
    ${each(periods, (_, k) => raw(['revenue', 'orders', 'margin', 'margin_orders'].map((x) => `ord.${x}_${k}`).join(', ')))}
    from ${raw(t.customers)} c
    left join evt on evt.customer_id = c.id
    left join ord on ord.customer_id = c.id
    where evt.customer_id is not null or ord.customer_id is not null
  )
  select mem.k, mem.segment_id, count(*) as customers, ${sums(ofK, flagOf)}
  from mem
  left join cust on cust.customer_id = mem.customer_id
  group by mem.k, mem.segment_id
  ${each(
    periods,
    (p, k) => sql`union all
  select ${raw(String(k))}, ${ALL_CUSTOMERS}, (select count(*) from ${raw(t.customers)} c where c.created_at < ${d(p.end)}), ${sums(
    (column) => raw(`cust.${column}_${k}`),
    (which) => raw(`cust.a_${flags[k][which]}`)
  )}
  from cust where cust.created_at < ${d(p.end)}`,
    '\n  '
  )}`;
  // Over every customer, as a segment run (dialect tuneForWholeTable): hashes in memory, no JIT, no
  // nested loops: the members' intervals and groups are estimated at a tenth of their size, and the
  // planner then probed the events per current member and sorted for merge joins (3x the work).
  const rows = rowsOf(await wholeTableStatement(knex, (trx) => trx.raw(statement.sql, statement.bindings as Knex.RawBinding[])));
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
