import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Forecast, Granularity, SegmentTrends, TrendsQuery } from '../../../../shared/contracts/reports';
import { periodRows, rowsOf } from '../../core/db/dialect';
import { raw, sql } from '../../core/db/sql-fragment';
import { TABLES } from '../../core/db/tables';
import { backtest, bestFit, forecastPoints } from './forecast';
import { membershipIntervals, overlaps } from './membership';
import { bucketsOf, nextLabels, type Bucket } from './periods';

/** A season's length in periods (a week of days, a year of weeks or of months). */
export const SEASON: Record<Granularity, number> = { day: 7, week: 52, month: 12 };

/**
 * Per bucket: the customers who were members during it, and the paid orders they placed in it
 * (count, amount). One statement: the buckets as a VALUES table (dialect periodRows), the
 * membership intervals joined to the buckets they overlap, then to the orders in each bucket.
 */
export const bucketFigures = async (knex: Knex, segmentId: number, buckets: Bucket[]) => {
  const statement = sql`with p(idx, s, e) as (${periodRows(knex, buckets)}),
  iv as (${membershipIntervals([segmentId])}),
  mp as (select distinct p.idx, iv.customer_id from p join iv on ${overlaps(raw('p.s'), raw('p.e'))}),
  mc as (select mp.idx, count(*) as n from mp group by mp.idx),
  oc as (
    select mp.idx, sum(o.amount) as revenue, count(*) as orders
    from mp join p on p.idx = mp.idx
    join ${raw(TABLES.customerOrders)} o on o.customer_id = mp.customer_id and o.status = 'paid' and o.ordered_at >= p.s and o.ordered_at < p.e
    group by mp.idx
  )
  select p.idx, coalesce(mc.n, 0) as members, coalesce(oc.revenue, 0) as revenue, coalesce(oc.orders, 0) as orders
  from p left join mc on mc.idx = p.idx left join oc on oc.idx = p.idx
  order by p.idx`;
  const rows = rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]));
  return rows.map((r) => ({ members: Number(r.members), revenue: Number(r.revenue), orders: Number(r.orders) }));
};

/** The forecast of one series: method, parameters, k points with their band, the backtest on the last periods. */
export const forecastOf = (y: number[], season: number, labels: string[]): Forecast => {
  const fit = bestFit(y, season);
  if (!fit) return { method: 'none', params: null, points: [], backtest: null, note: 'fewer than 3 periods: no forecast' };
  // Held out: as many periods as forecast (at least 1), at most a quarter of the series.
  const heldOut = Math.min(Math.max(labels.length, 1), Math.floor(y.length / 4));
  const tested = backtest(y, season, heldOut);
  return {
    method: fit.params.season ? 'holt-winters-additive' : 'holt',
    params: fit.params,
    points: forecastPoints(fit, labels.length).map((p, i) => ({ period: labels[i], ...p })),
    backtest: tested,
    note: tested ? null : 'too few periods to hold some out: no backtest',
  };
};

/** A segment's members, revenue, orders and AOV per bucket, each with a forecast of `horizon` buckets. */
export const segmentTrends = async (strapi: Core.Strapi, segment: { id: number; key: string; name: string }, q: TrendsQuery): Promise<SegmentTrends> => {
  const buckets = bucketsOf(q.from, q.to, q.timeZone, q.granularity);
  const figures = await bucketFigures(strapi.db.connection, segment.id, buckets);
  const series = buckets.map((b, i) => ({
    period: b.label,
    start: b.start.toISOString(),
    ...figures[i],
    aov: figures[i].orders === 0 ? null : figures[i].revenue / figures[i].orders,
  }));
  const labels = nextLabels(buckets[buckets.length - 1].start, q.timeZone, q.granularity, q.horizon);
  const season = SEASON[q.granularity];
  // A period without orders has no AOV: the forecast carries the last known one forward (0 before any).
  let last = 0;
  const aov = series.map((s) => (last = s.aov ?? last));
  return {
    segment: { id: segment.id, key: segment.key, name: segment.name },
    timeZone: q.timeZone,
    granularity: q.granularity,
    series,
    forecast: {
      members: forecastOf(series.map((s) => s.members), season, labels),
      revenue: forecastOf(series.map((s) => s.revenue), season, labels),
      orders: forecastOf(series.map((s) => s.orders), season, labels),
      aov: forecastOf(aov, season, labels),
    },
  };
};
