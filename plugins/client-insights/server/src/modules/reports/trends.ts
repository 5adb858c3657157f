import type { Knex } from 'knex';
import type { Forecast, Granularity, SegmentTrends, TrendsQuery } from '../../../../shared/contracts/reports';
import { bucketIndex, dateParam, rowsOf, withWorkMem } from '../../core/db/dialect';
import { raw, sql } from '../../core/db/sql-fragment';
import { TABLES } from '../../core/db/tables';
import { backtest, bestFit, forecastPoints } from './forecast';
import { membershipIntervals } from './membership';
import { bucketsOf, movedKey, nextLabels, type Bucket } from './periods';
import { servedFigures, type StoredKind } from './stored-figures';

/** A season's length in periods (a week of days, a year of weeks or of months). */
export const SEASON: Record<Granularity, number> = { day: 7, week: 52, month: 12 };

export type BucketFigures = { members: number; revenue: number; orders: number };

/**
 * Per bucket: the customers who were members during it, and the paid orders they placed in it
 * (count, amount). One statement, no range joins:
 * - each membership interval gets the first and last bucket it overlaps (dialect bucketIndex);
 *   a customer's intervals are disjoint and ordered, so two of them share at most one bucket
 *   (where one ends and the next begins): members per bucket = intervals begun by then − intervals
 *   ended before it − such shared buckets, a running sum over the buckets;
 * - each paid order in the range gets its bucket, and counts when its customer has an interval
 *   covering that bucket (a semi-join, so a shared bucket does not count an order twice).
 */
export const bucketFigures = async (knex: Knex, segmentId: number, buckets: Bucket[]): Promise<BucketFigures[]> => {
  const starts = buckets.map((b) => b.start);
  const first = buckets[0].start;
  const end = buckets[buckets.length - 1].end;
  const last = buckets.length - 1;
  const at = (expr: string, closedEnd = false) => bucketIndex(knex, raw(expr), starts, end, closedEnd);
  const statement = sql`with p(idx) as (values ${raw(buckets.map((_, i) => `(${i})`).join(', '))}),
  iv as (${membershipIntervals([segmentId])}),
  span as (
    select iv.customer_id, iv.start_at,
      case when iv.start_at is null or iv.start_at < ${dateParam(knex, first)} then 0 else ${at('iv.start_at')} end as fb,
      case when iv.end_at is null or iv.end_at >= ${dateParam(knex, end)} then ${last} else ${at('iv.end_at', true)} end as lb
    from iv
  ),
  ivb as (
    select s.customer_id, s.fb, s.lb, lag(s.lb) over (partition by s.customer_id order by s.start_at) as prev_lb
    from span s where s.fb <= s.lb
  ),
  began as (select ivb.fb as idx, count(*) as n from ivb group by ivb.fb),
  ended as (select ivb.lb + 1 as idx, count(*) as n from ivb group by ivb.lb),
  shared as (select ivb.fb as idx, count(*) as n from ivb where ivb.prev_lb = ivb.fb group by ivb.fb),
  oc as (
    select x.idx, sum(x.amount) as revenue, count(*) as orders
    from (
      select o.customer_id, o.amount, ${at('o.ordered_at')} as idx
      from ${raw(TABLES.customerOrders)} o
      where o.status = 'paid' and o.ordered_at >= ${dateParam(knex, first)} and o.ordered_at < ${dateParam(knex, end)}
    ) x
    where exists (select 1 from ivb where ivb.customer_id = x.customer_id and ivb.fb <= x.idx and ivb.lb >= x.idx)
    group by x.idx
  )
  select p.idx, sum(coalesce(b.n, 0) - coalesce(e.n, 0)) over (order by p.idx) - coalesce(d.n, 0) as members,
    coalesce(oc.revenue, 0) as revenue, coalesce(oc.orders, 0) as orders
  from p
  left join began b on b.idx = p.idx
  left join ended e on e.idx = p.idx
  left join shared d on d.idx = p.idx
  left join oc on oc.idx = p.idx
  order by p.idx`;
  // Hashes in memory and no JIT: the planner prices these statements high and would compile them for seconds (dialect withWorkMem).
  const rows = rowsOf(await withWorkMem(knex, 64, (trx) => trx.raw(statement.sql, statement.bindings as Knex.RawBinding[])));
  return rows.map((r) => ({ members: Number(r.members), revenue: Number(r.revenue), orders: Number(r.orders) }));
};

/** The forecast of one series: method, parameters, k points with their band, the backtest on the last periods. */
export const forecastOf = (y: number[], season: number, labels: string[]): Forecast => {
  const fit = bestFit(y, season);
  if (!fit) return { method: 'none', params: null, points: [], backtest: null, note: 'fewer than 3 complete periods with members: no forecast' };
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

/** A trend's buckets as a stored question's key: its local days, time zone and granularity. */
const bucketsKey = (q: Pick<TrendsQuery, 'from' | 'to' | 'timeZone' | 'granularity'>) => [q.from, q.to, q.timeZone, q.granularity].join('|');

/** Trend series stored ahead of the question (stored-figures.ts), one per segment and buckets. */
export const bucketFiguresKind = (knex: Knex): StoredKind<BucketFigures[]> => ({
  kind: 'buckets',
  async compute(questions) {
    const out: Array<Map<number, BucketFigures[]>> = [];
    for (const q of questions) {
      const [from, to, timeZone, granularity] = q.key.split('|');
      const buckets = bucketsOf(from, to, timeZone, granularity as Granularity);
      const bySegment = new Map<number, BucketFigures[]>();
      for (const id of q.segmentIds) bySegment.set(id, await bucketFigures(knex, id, buckets));
      out.push(bySegment);
    }
    return out;
  },
  movedToToday: movedKey,
});

/** A segment's members, revenue, orders and AOV per bucket, each with a forecast of `horizon` buckets. */
export const segmentTrends = async (
  knex: Knex,
  segment: { id: number; key: string; name: string },
  q: TrendsQuery,
  { onStale }: { onStale?: () => void } = {}
): Promise<SegmentTrends> => {
  const buckets = bucketsOf(q.from, q.to, q.timeZone, q.granularity);
  const served = await servedFigures(knex, bucketFiguresKind(knex), [{ key: bucketsKey(q), segmentIds: [segment.id] }], { fresh: q.fresh, onStale });
  const figures = served.figures[0].get(segment.id)!;
  const now = new Date();
  const series = buckets.map((b, i) => ({
    period: b.label,
    start: b.start.toISOString(),
    ...figures[i],
    aov: figures[i].orders === 0 ? null : figures[i].revenue / figures[i].orders,
    partial: b.end > now,
  }));
  // The period under way holds its figures so far (a Monday morning's week holds next to nothing):
  // fitted, it would read as a fall and drag the forecast down. So the forecast is fitted on the
  // complete periods (a prefix, buckets being in order) and starts at the first one that is not.
  const complete = series.filter((s) => !s.partial);
  const labels = nextLabels(buckets[Math.max(complete.length - 1, 0)].start, q.timeZone, q.granularity, q.horizon);
  // Periods before the segment's first member are before its history, not periods of no revenue
  // (a segment created this week has none): the fit starts at the first period with members.
  const first = complete.findIndex((s) => s.members > 0);
  const history = first < 0 ? [] : complete.slice(first);
  const season = SEASON[q.granularity];
  // A period without orders has no AOV: the forecast carries the last known one forward (0 before any).
  let last = 0;
  const aov = history.map((s) => (last = s.aov ?? last));
  const of = (pick: (s: (typeof series)[number]) => number) => forecastOf(history.map(pick), season, labels);
  return {
    segment: { id: segment.id, key: segment.key, name: segment.name },
    timeZone: q.timeZone,
    granularity: q.granularity,
    series,
    forecast: { members: of((s) => s.members), revenue: of((s) => s.revenue), orders: of((s) => s.orders), aov: forecastOf(aov, season, labels) },
    asOf: served.asOf.toISOString(),
    stale: served.stale,
  };
};
