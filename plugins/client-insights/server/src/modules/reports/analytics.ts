import type { Core } from '@strapi/strapi';
import type { AnalyticsQuery, SegmentAnalytics } from '../../../../shared/contracts/reports';
import { MIN_MEMBERS } from '../../../../shared/contracts/reports';
import { hostTables } from '../../core/db/tables';
import { ALL_CUSTOMERS, periodFigures } from './analytics-sql';
import { changeOf, compareSegments, EMPTY, flagsOf, metricsOf } from './metrics';
import { periodJson, periodOf, type Period } from './periods';

type SegmentRef = { id: number; key: string; name: string };

/**
 * A segment's analytics: its metrics over the period (and the comparison period), the same over
 * all customers, and every visible segment's metrics for ranks, outliers and the heatmap.
 */
export const segmentAnalytics = async (strapi: Core.Strapi, segment: SegmentRef, visible: SegmentRef[], q: AnalyticsQuery): Promise<SegmentAnalytics> => {
  const knex = strapi.db.connection;
  const t = hostTables(strapi);
  const ids = visible.map((s) => s.id);
  const period = periodOf(q.from, q.to, q.timeZone);
  const comparison = q.compareFrom && q.compareTo ? periodOf(q.compareFrom, q.compareTo, q.timeZone) : null;

  const figuresOf = async (p: Period) => {
    const figures = await periodFigures(knex, t, ids, p);
    const total = figures.get(ALL_CUSTOMERS) ?? EMPTY;
    return { of: (id: number) => metricsOf(figures.get(id) ?? EMPTY, total.revenue), benchmark: metricsOf(total, total.revenue) };
  };
  const now = await figuresOf(period);
  const then = comparison ? await figuresOf(comparison) : null;

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
