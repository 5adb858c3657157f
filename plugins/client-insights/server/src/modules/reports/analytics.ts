import type { Knex } from 'knex';
import type { AnalyticsQuery, SegmentAnalytics } from '../../../../shared/contracts/reports';
import { MIN_MEMBERS } from '../../../../shared/contracts/reports';
import type { HostTables } from '../../core/db/tables';
import { ALL_CUSTOMERS, periodFigures, type Figures } from './analytics-sql';
import { changeOf, compareSegments, EMPTY, flagsOf, metricsOf } from './metrics';
import { periodJson, periodOf } from './periods';

type SegmentRef = { id: number; key: string; name: string };

/**
 * A segment's analytics: its metrics over the period (and the comparison period), the same over
 * all customers, and every visible segment's metrics for ranks, outliers and the heatmap.
 */
export const segmentAnalytics = async (knex: Knex, t: HostTables, segment: SegmentRef, visible: SegmentRef[], q: AnalyticsQuery): Promise<SegmentAnalytics> => {
  const ids = visible.map((s) => s.id);
  const period = periodOf(q.from, q.to, q.timeZone);
  const comparison = q.compareFrom && q.compareTo ? periodOf(q.compareFrom, q.compareTo, q.timeZone) : null;

  // One statement for both periods; each period's metrics and the benchmark from its sums. The
  // ranking and heatmap need every segment in the period, the comparison only this one.
  const figures = await periodFigures(knex, t, [{ period, segmentIds: ids }, ...(comparison ? [{ period: comparison, segmentIds: [segment.id] }] : [])]);
  const view = (f: Map<number, Figures>) => {
    const total = f.get(ALL_CUSTOMERS) ?? EMPTY;
    return { of: (id: number) => metricsOf(f.get(id) ?? EMPTY, total.revenue), benchmark: metricsOf(total, total.revenue) };
  };
  const now = view(figures[0]);
  const then = comparison ? view(figures[1]) : null;

  const rows = visible.map((s) => ({ id: s.id, key: s.key, name: s.name, metrics: now.of(s.id) }));
  const compared = compareSegments(rows);
  const metrics = now.of(segment.id);
  const comparisonMetrics = then ? then.of(segment.id) : null;
  return {
    segment: { id: segment.id, key: segment.key, name: segment.name },
    period: periodJson(period),
    comparison: comparison ? periodJson(comparison) : null,
    metrics,
    comparisonMetrics,
    change: comparisonMetrics ? changeOf(metrics, comparisonMetrics) : null,
    benchmark: now.benchmark,
    ranking: compared.ranking(metrics),
    outliers: compared.outliers(metrics),
    flags: flagsOf(metrics, rows.length, compared.enough),
    minMembers: MIN_MEMBERS,
    segments: rows.map((r) => ({ ...r, outliers: compared.outliers(r.metrics) })),
  };
};
