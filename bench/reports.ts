/**
 * `npm run bench:reports`: segment analytics and trends on PostgreSQL (DATABASE_* as for the other
 * benchmarks, default `ci_bench_100k`), each against the naive alternative in the same run: load
 * the rows (membership events, members, customers, orders, interactions) into Node and aggregate
 * there. Both answers are compared; a mismatch is printed and recorded.
 *
 * The seed writes no segments, so the bench writes SEGMENTS synthetic ones (ids ≥ 1 960 000 000,
 * removed at the end): the largest holds 30 % of the customers, the others 1/5 … 1/13. Their
 * membership has a history: each member entered at a pseudo-random instant of the last 30 months,
 * one in seven left 60 days later (an exit event, no longer a member), so "members during the
 * period" differs from today's members.
 *
 * Cases: analytics of the largest segment over the last 12 months with the 12 months before as
 * comparison (ranks and heatmap over all bench segments), computed (`fresh`, as the first question
 * of a period and the background refresh do) and served from the figures that computation stored; trends of it over 24 months by week in
 * Asia/Shanghai with an 8-week forecast; attribution of a campaign with 100 000 touches, all five
 * models (bench/reports-attribution.ts). RUNS (default 5) timed runs after a warm-up, NAIVE_RUNS
 * (default 3). Results: bench/results/reports.json, keyed by database.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { migrate } from '../plugins/client-insights/server/src/core/db/migrate';
import { HOST_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { periodKey, segmentAnalytics } from '../plugins/client-insights/server/src/modules/reports/analytics';
import { segmentTrends } from '../plugins/client-insights/server/src/modules/reports/trends';
import { bucketsOf, periodOf, windowBefore, type Period } from '../plugins/client-insights/server/src/modules/reports/periods';
import { connect, databaseOf, fmt, median, ms } from './kit';
import { cleanupAttribution, naiveAttribution, sameAttribution, setUpAttribution, sqlAttribution } from './reports-attribution';
import { benchSync } from './sync-case';

const ROOT = path.resolve(__dirname, '..');
const BASE_ID = 1_960_000_000;
const SEGMENTS = 10;
const RUNS = Number(process.env.RUNS ?? 5);
const NAIVE_RUNS = Number(process.env.NAIVE_RUNS ?? 3);
const ZONE = 'Asia/Shanghai';

const ids = Array.from({ length: SEGMENTS }, (_, k) => BASE_ID + k);
const segments = ids.map((id, k) => ({ id, key: `bench-report-${k}`, name: `bench report ${k}` }));
const memberCondition = (k: number) => (k === 0 ? 'c.id % 10 < 3' : `(c.id + ${k}) % ${k + 4} = 0`);

const setUp = async (knex: Knex, now: Date) => {
  for (const [k, id] of ids.entries()) {
    // Entered within the last 900 days (30 months), spread by a hash of the id.
    await knex.raw(
      `insert into ${TABLES.segmentEvents} (segment_id, customer_id, kind, occurred_at, run_id)
       select ?, c.id, 'enter', ?::timestamp - make_interval(secs => ((c.id::bigint * 7919 + ?) % 77760000)::float8), ?
       from ${HOST_TABLES.customers} c where ${memberCondition(k)}`,
      [id, now, k * 104729, id]
    );
    await knex.raw(
      `insert into ${TABLES.segmentEvents} (segment_id, customer_id, kind, occurred_at, run_id)
       select segment_id, customer_id, 'exit', occurred_at + interval '60 days', run_id from ${TABLES.segmentEvents}
       where segment_id = ? and customer_id % 7 = 0 and occurred_at + interval '60 days' < ?`,
      [id, now]
    );
    await knex(TABLES.segmentCurrent).insert({ segment_id: id, run_id: id, updated_at: now });
    await knex.raw(
      `insert into ${TABLES.segmentMembers} (segment_id, run_id, customer_id)
       select segment_id, run_id, customer_id from ${TABLES.segmentEvents} e where segment_id = ? and kind = 'enter'
       and not exists (select 1 from ${TABLES.segmentEvents} x where x.segment_id = e.segment_id and x.customer_id = e.customer_id and x.kind = 'exit')`,
      [id]
    );
  }
  await knex.raw(`analyze ${TABLES.segmentEvents}`);
  await knex.raw(`analyze ${TABLES.segmentMembers}`);
};

/** Also the figures stored for the bench's periods: its segments', and all customers' (true, but the bench leaves nothing behind). */
const cleanup = async (knex: Knex, periods: Period[] = []) => {
  for (const table of [TABLES.segmentEvents, TABLES.segmentMembers, TABLES.segmentCurrent, TABLES.reportFigures])
    await knex(table).whereIn('segment_id', ids).delete();
  if (periods.length) await knex(TABLES.reportFigures).where('kind', 'period').whereIn('question', periods.map(periodKey)).delete();
};

// ---- the naive way: rows into Node ----------------------------------------------------------------

type Iv = { customer: number; start: number; end: number };

/** Membership intervals per segment from every event and current member, loaded. */
const loadIntervals = async (knex: Knex, segmentIds: number[]) => {
  const events = await knex(TABLES.segmentEvents)
    .whereIn('segment_id', segmentIds)
    .orderBy(['segment_id', 'customer_id', 'occurred_at', 'id'])
    .select('segment_id', 'customer_id', 'kind', 'occurred_at');
  const members = await knex(`${TABLES.segmentMembers} as m`)
    .join(`${TABLES.segmentCurrent} as c`, (j) => j.on('c.segment_id', 'm.segment_id').andOn('c.run_id', 'm.run_id'))
    .whereIn('m.segment_id', segmentIds)
    .select('m.segment_id', 'm.customer_id');
  const out = new Map<number, Iv[]>(segmentIds.map((id) => [id, []]));
  const withEvents = new Set<string>();
  events.forEach((e: any, i: number) => {
    withEvents.add(`${e.segment_id}:${e.customer_id}`);
    if (e.kind !== 'enter') return;
    const next: any = events[i + 1];
    const same = next && next.segment_id === e.segment_id && next.customer_id === e.customer_id;
    out
      .get(Number(e.segment_id))!
      .push({ customer: Number(e.customer_id), start: new Date(e.occurred_at).getTime(), end: same ? new Date(next.occurred_at).getTime() : Infinity });
  });
  for (const m of members as any[])
    if (!withEvents.has(`${m.segment_id}:${m.customer_id}`))
      out.get(Number(m.segment_id))!.push({ customer: Number(m.customer_id), start: -Infinity, end: Infinity });
  return out;
};

const naiveAnalytics = async (knex: Knex, now: Period, then: Period) => {
  const intervals = await loadIntervals(knex, ids);
  const earliest = Math.min(windowBefore(now).start.getTime(), windowBefore(then).start.getTime());
  const latest = Math.max(now.end.getTime(), then.end.getTime());
  const orders = (
    await knex(TABLES.customerOrders)
      .where('status', 'paid')
      .where('ordered_at', '>=', new Date(earliest))
      .where('ordered_at', '<', new Date(latest))
      .select('customer_id', 'ordered_at', 'amount', 'gross_margin')
  ).map((o: any) => ({
    c: Number(o.customer_id),
    at: new Date(o.ordered_at).getTime(),
    amount: Number(o.amount),
    margin: o.gross_margin === null ? null : Number(o.gross_margin),
  }));
  const events = (
    await knex(TABLES.customerEvents)
      .where('occurred_at', '>=', new Date(earliest))
      .where('occurred_at', '<', new Date(latest))
      .select('customer_id', 'occurred_at')
  ).map((e: any) => ({
    c: Number(e.customer_id),
    at: new Date(e.occurred_at).getTime(),
  }));
  const customers = (await knex(HOST_TABLES.customers).select('id', 'created_at')).map((c: any) => ({
    id: Number(c.id),
    created: new Date(c.created_at).getTime(),
  }));
  const figures = (p: Period) => {
    const [s, e] = [p.start.getTime(), p.end.getTime()];
    const b = windowBefore(p).start.getTime();
    const per = new Map<number, { revenue: number; orders: number; margin: number; cur: boolean; prev: boolean }>();
    const at = (c: number) => per.get(c) ?? (per.set(c, { revenue: 0, orders: 0, margin: 0, cur: false, prev: false }), per.get(c)!);
    for (const o of orders) {
      if (o.at >= s && o.at < e)
        Object.assign(at(o.c), { revenue: at(o.c).revenue + o.amount, orders: at(o.c).orders + 1, margin: at(o.c).margin + (o.margin ?? 0) });
      if (o.at >= b && o.at < e) at(o.c)[o.at >= s ? 'cur' : 'prev'] = true;
    }
    for (const ev of events) if (ev.at >= b && ev.at < e) at(ev.c)[ev.at >= s ? 'cur' : 'prev'] = true;
    const sum = (members: Iterable<number>) => {
      const f = { customers: 0, revenue: 0, orders: 0, buyers: 0, base: 0, kept: 0 };
      for (const c of members) {
        f.customers += 1;
        const x = per.get(c);
        if (!x) continue;
        f.revenue += x.revenue;
        f.orders += x.orders;
        if (x.orders) f.buyers += 1;
        if (x.prev) f.base += 1;
        if (x.prev && x.cur) f.kept += 1;
      }
      return f;
    };
    const bySegment = new Map(
      ids.map((id) => [
        id,
        sum(
          new Set(
            intervals
              .get(id)!
              .filter((iv) => iv.start < e && iv.end > s)
              .map((iv) => iv.customer)
          )
        ),
      ])
    );
    const all = sum(customers.filter((c) => c.created < e).map((c) => c.id));
    return { bySegment, all };
  };
  return { now: figures(now), then: figures(then) };
};

const naiveTrends = async (knex: Knex, from: string, to: string) => {
  const buckets = bucketsOf(from, to, ZONE, 'week');
  const starts = buckets.map((b) => b.start.getTime());
  const end = buckets[buckets.length - 1].end.getTime();
  const bucketOf = (t: number) => {
    if (t < starts[0] || t >= end) return -1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const intervals = (await loadIntervals(knex, [ids[0]])).get(ids[0])!;
  const members = buckets.map(() => new Set<number>());
  for (const iv of intervals) {
    const first = iv.start < starts[0] ? 0 : bucketOf(iv.start);
    const last = iv.end >= end ? buckets.length - 1 : bucketOf(iv.end - 1);
    if (first < 0 || last < 0) continue;
    for (let i = first; i <= last; i += 1) members[i].add(iv.customer);
  }
  const revenue = buckets.map(() => 0);
  const orders = buckets.map(() => 0);
  const rows = await knex(TABLES.customerOrders)
    .where('status', 'paid')
    .where('ordered_at', '>=', buckets[0].start)
    .where('ordered_at', '<', new Date(end))
    .select('customer_id', 'ordered_at', 'amount');
  for (const o of rows as any[]) {
    const i = bucketOf(new Date(o.ordered_at).getTime());
    if (i >= 0 && members[i].has(Number(o.customer_id))) {
      revenue[i] += Number(o.amount);
      orders[i] += 1;
    }
  }
  return buckets.map((b, i) => ({ period: b.label, members: members[i].size, revenue: revenue[i], orders: orders[i] }));
};

const timed = async <T>(runs: number, fn: () => Promise<T>) => {
  const value = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(ms(t));
  }
  return { value, times, median: median(times) };
};

const main = async () => {
  const knex = connect('bench:reports');
  const database = databaseOf(knex);
  const now = new Date();
  const periods: Period[] = [];
  try {
    await migrate(knex);
    await cleanup(knex);
    await setUp(knex, now);
    const counts = await knex(TABLES.segmentMembers).whereIn('segment_id', ids).groupBy('segment_id').select('segment_id').count({ n: '*' });
    const customers = Number((await knex(HOST_TABLES.customers).count({ n: '*' }).first())!.n);
    const largest = Number(counts.find((c: any) => Number(c.segment_id) === ids[0])!.n);
    console.log(
      `${database}: ${customers} customers; ${SEGMENTS} bench segments, the largest with ${largest} current members; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    );

    // The last 12 whole months (local days in Shanghai) and the 12 before them.
    const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
    const day = (d: DateTime) => d.toFormat('yyyy-MM-dd');
    const q = {
      from: day(today.minus({ years: 1 })),
      to: day(today.minus({ days: 1 })),
      compareFrom: day(today.minus({ years: 2 })),
      compareTo: day(today.minus({ years: 1, days: 1 })),
      timeZone: ZONE,
    };
    periods.push(periodOf(q.from, q.to, ZONE), periodOf(q.compareFrom, q.compareTo, ZONE));
    // Computed: every question computes (fresh), as the first question of a period does and as the
    // refresher does in the background. Served: the figures stored by the computation, unchanged inputs.
    const computed = await timed(RUNS, () => segmentAnalytics(knex, HOST_TABLES, segments[0], segments, { ...q, fresh: true }));
    const served = await timed(RUNS, () => segmentAnalytics(knex, HOST_TABLES, segments[0], segments, q));
    const naive = await timed(NAIVE_RUNS, () => naiveAnalytics(knex, periodOf(q.from, q.to, ZONE), periodOf(q.compareFrom, q.compareTo, ZONE)));
    const a = computed.value;
    const n = naive.value.now.bySegment.get(ids[0])!;
    const analyticsMatch =
      a.metrics.customers === n.customers &&
      Math.abs(a.metrics.revenue - n.revenue) < 0.01 &&
      a.metrics.orders === n.orders &&
      a.metrics.retentionBase === n.base &&
      a.comparisonMetrics!.customers === naive.value.then.bySegment.get(ids[0])!.customers &&
      a.benchmark.customers === naive.value.now.all.customers;
    const servedMatch = !served.value.stale && JSON.stringify({ ...served.value, asOf: null }) === JSON.stringify({ ...a, asOf: null });
    console.log(
      `analytics, largest segment, 12 months + comparison: served from stored figures ${fmt(served.median)} (runs ${served.times.map((t) => t.toFixed(0)).join(', ')}), ` +
        `computed ${fmt(computed.median)} (runs ${computed.times.map((t) => t.toFixed(0)).join(', ')}), naive ${fmt(naive.median)}: ` +
        `naive/computed ${(naive.median / computed.median).toFixed(1)}×, naive/served ${(naive.median / served.median).toFixed(0)}×; ${a.metrics.customers} members during the period ` +
        `(${largest} now), revenue ${a.metrics.revenue.toFixed(2)}, ${a.metrics.orders} orders; answers ${analyticsMatch ? 'equal' : 'DIFFER'}, served ${servedMatch ? 'equals computed' : 'DIFFERS FROM computed'}`
    );

    const tq = { from: day(today.minus({ months: 24 })), to: day(today.minus({ days: 1 })), timeZone: ZONE, granularity: 'week' as const, horizon: 8 };
    const sqlTrends = await timed(RUNS, () => segmentTrends(knex, segments[0], { ...tq, fresh: true }));
    const servedTrends = await timed(RUNS, () => segmentTrends(knex, segments[0], tq));
    const naiveT = await timed(NAIVE_RUNS, () => naiveTrends(knex, tq.from, tq.to));
    const trendsMatch =
      sqlTrends.value.series.length === naiveT.value.length &&
      sqlTrends.value.series.every(
        (p, i) => p.members === naiveT.value[i].members && p.orders === naiveT.value[i].orders && Math.abs(p.revenue - naiveT.value[i].revenue) < 0.01
      );
    const servedTrendsMatch = !servedTrends.value.stale && JSON.stringify(servedTrends.value.series) === JSON.stringify(sqlTrends.value.series);
    const f = sqlTrends.value.forecast.revenue;
    console.log(
      `trends, 24 months by week + 8-week forecast: served ${fmt(servedTrends.median)} (runs ${servedTrends.times.map((t) => t.toFixed(0)).join(', ')}), ` +
        `computed ${fmt(sqlTrends.median)} (runs ${sqlTrends.times.map((t) => t.toFixed(0)).join(', ')}), ` +
        `naive ${fmt(naiveT.median)}, naive/computed ${(naiveT.median / sqlTrends.median).toFixed(1)}×; ${sqlTrends.value.series.length} weeks, revenue forecast ${f.method} ` +
        `(backtest MAE ${f.backtest?.mae.toFixed(0)}, MAPE ${f.backtest?.mape === null || !f.backtest ? 'n/a' : (100 * f.backtest.mape).toFixed(1) + ' %'}); answers ${trendsMatch ? 'equal' : 'DIFFER'}, served ${servedTrendsMatch ? 'equals computed' : 'DIFFERS FROM computed'}`
    );

    const touches = await setUpAttribution(knex, now, customers);
    const sqlAttr = await timed(RUNS, () => sqlAttribution(knex));
    const naiveAttr = await timed(NAIVE_RUNS, () => naiveAttribution(knex));
    const attributionMatch = sameAttribution(sqlAttr.value, naiveAttr.value);
    console.log(
      `attribution, ${touches} touches, five models: SQL ${fmt(sqlAttr.median)} (runs ${sqlAttr.times.map((t) => t.toFixed(0)).join(', ')}), ` +
        `naive ${fmt(naiveAttr.median)}, ${(naiveAttr.median / sqlAttr.median).toFixed(1)}×; ${sqlAttr.value.touches.customers} customers touched, ` +
        `${sqlAttr.value.conversions.orders} conversions; answers ${attributionMatch ? 'equal' : 'DIFFER'}`
    );
    const sync = process.env.SKIP_SYNC ? null : await benchSync(knex);
    if (sync) {
      console.log(
        `warehouse sync of ${sync.customers} customers' scores: full ${fmt(sync.full.ms)} (${sync.full.sent} rows, ${sync.full.batches} batches), naive row by row ${fmt(sync.naive.fullMs)}, ${sync.ratio.full.toFixed(1)}×; ` +
          `incremental after ${sync.changed} changed (1 %) ${fmt(sync.incremental.ms)} (${sync.incremental.sent} rows sent), naive ${fmt(sync.naive.incrementalMs)} (all rows again), ${sync.ratio.incremental.toFixed(1)}×; destination ${sync.equal ? 'equals' : 'DIFFERS FROM'} the source`
      );
    }

    const load = os.loadavg();
    console.log(`load ${load.map((l) => l.toFixed(2)).join(' ')}`);
    const file = path.join(ROOT, 'bench', 'results', 'reports.json');
    const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    existing[process.env.BENCH_LABEL ? `${database} (${process.env.BENCH_LABEL})` : database] = {
      measuredAt: now.toISOString(),
      customers,
      segments: SEGMENTS,
      largestSegmentMembersNow: largest,
      load,
      runs: RUNS,
      naiveRuns: NAIVE_RUNS,
      analytics: {
        period: q,
        membersDuringPeriod: a.metrics.customers,
        servedMs: served.times,
        servedMedianMs: served.median,
        computedMs: computed.times,
        computedMedianMs: computed.median,
        naiveMs: naive.times,
        naiveMedianMs: naive.median,
        ratio: naive.median / computed.median,
        servedRatio: naive.median / served.median,
        equal: analyticsMatch,
        servedEqualsComputed: servedMatch,
        targetMs: 1000,
      },
      trends: {
        query: tq,
        weeks: sqlTrends.value.series.length,
        revenueForecast: { method: f.method, backtest: f.backtest },
        servedMs: servedTrends.times,
        servedMedianMs: servedTrends.median,
        servedEqualsComputed: servedTrendsMatch,
        computedMs: sqlTrends.times,
        computedMedianMs: sqlTrends.median,
        naiveMs: naiveT.times,
        naiveMedianMs: naiveT.median,
        ratio: naiveT.median / sqlTrends.median,
        equal: trendsMatch,
        targetMs: 1000,
      },
      attribution: {
        touches,
        customersTouched: sqlAttr.value.touches.customers,
        conversions: sqlAttr.value.conversions.orders,
        models: 5,
        windowDays: 30,
        sqlMs: sqlAttr.times,
        sqlMedianMs: sqlAttr.median,
        naiveMs: naiveAttr.times,
        naiveMedianMs: naiveAttr.median,
        ratio: naiveAttr.median / sqlAttr.median,
        equal: attributionMatch,
        targetMs: 3000,
      },
      ...(sync ? { sync } : {}),
    };
    fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
  } finally {
    await cleanup(knex, periods);
    await cleanupAttribution(knex);
    await knex.destroy();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
