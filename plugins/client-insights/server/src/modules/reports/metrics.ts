import { LOWER_IS_BETTER, METRICS, MIN_MEMBERS, type MetricKey, type SegmentAnalytics, type SegmentMetrics } from '../../../../shared/contracts/reports';
import type { Figures } from './analytics-sql';

/** Pure arithmetic over the database's sums: rates, changes, ranks and outliers. */

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export const EMPTY: Figures = { customers: 0, revenue: 0, orders: 0, buyers: 0, margin: null, marginOrders: 0, base: 0, kept: 0 };

/** A period's metrics from its sums; `totalRevenue` is all customers' revenue in the period. */
export const metricsOf = (f: Figures, totalRevenue: number): SegmentMetrics => {
  const retention = ratio(f.kept, f.base);
  return {
    customers: f.customers,
    revenue: f.revenue,
    orders: f.orders,
    buyers: f.buyers,
    aov: ratio(f.revenue, f.orders),
    conversionRate: ratio(f.buyers, f.customers),
    retentionRate: retention,
    churnRate: retention === null ? null : 1 - retention,
    margin: f.margin,
    marginRate: f.margin === null ? null : ratio(f.margin, f.revenue),
    marginCoverage: ratio(f.marginOrders, f.orders),
    retentionBase: f.base,
    revenueShare: ratio(f.revenue, totalRevenue),
  };
};

/** (now − then) / then per metric; null when either is missing or `then` is 0. */
export const changeOf = (now: SegmentMetrics, then: SegmentMetrics) =>
  Object.fromEntries(
    METRICS.map((m) => {
      const a = now[m];
      const b = then[m];
      return [m, a === null || b === null || b === 0 ? null : (a - b) / Math.abs(b)];
    })
  ) as Record<MetricKey, number | null>;

/** The p-quantile by linear interpolation between order statistics (R's type 7, numpy's default). */
export const quantile = (sorted: number[], p: number) => {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
};

/** Tukey's fences: below Q1 − 1.5 IQR is `low`, above Q3 + 1.5 IQR `high`; needs at least 4 values. */
export const fences = (values: number[]): { low: number; high: number } | null => {
  if (values.length < 4) return null;
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  return { low: q1 - 1.5 * (q3 - q1), high: q3 + 1.5 * (q3 - q1) };
};

export const outlierOf = (v: number | null, f: { low: number; high: number } | null) =>
  v === null || !f ? null : v < f.low ? 'low' : v > f.high ? 'high' : null;

/** Competition rank (1 = best, ties share, "1224") of `v` among `values`; higher is better unless the metric says otherwise. */
export const rankOf = (metric: MetricKey, v: number | null, values: number[]) => {
  if (v === null) return null;
  const lower = LOWER_IS_BETTER.includes(metric);
  return { rank: 1 + values.filter((x) => (lower ? x < v : x > v)).length, of: values.length };
};

/** Ranks and outlier marks of every segment, per metric, among the given segments' metrics. */
export const compareSegments = (all: Array<{ id: number; metrics: SegmentMetrics }>) => {
  const valuesOf = (m: MetricKey) => all.map((s) => s.metrics[m]).filter((v): v is number => v !== null);
  const fencesBy = Object.fromEntries(METRICS.map((m) => [m, fences(valuesOf(m))])) as Record<MetricKey, ReturnType<typeof fences>>;
  const outliers = (metrics: SegmentMetrics) => Object.fromEntries(METRICS.map((m) => [m, outlierOf(metrics[m], fencesBy[m])])) as SegmentAnalytics['outliers'];
  const ranking = (metrics: SegmentMetrics) => Object.fromEntries(METRICS.map((m) => [m, rankOf(m, metrics[m], valuesOf(m))])) as SegmentAnalytics['ranking'];
  return { outliers, ranking, enough: METRICS.some((m) => fencesBy[m] !== null) };
};

/** What makes a segment's figures weak: none, few members, no orders, margins missing. */
export const flagsOf = (m: SegmentMetrics, segmentCount: number, enoughForOutliers: boolean): SegmentAnalytics['flags'] => {
  const flags: SegmentAnalytics['flags'] = [];
  if (m.customers === 0) flags.push('empty');
  else if (m.customers < MIN_MEMBERS) flags.push('few_members');
  if (m.orders === 0) flags.push('no_orders');
  else if (m.margin === null) flags.push('no_margin');
  else if ((m.marginCoverage ?? 0) < 1) flags.push('partial_margin');
  if (m.retentionBase === 0) flags.push('no_retention_base');
  if (segmentCount < 4 || !enoughForOutliers) flags.push('too_few_segments_for_outliers');
  return flags;
};
