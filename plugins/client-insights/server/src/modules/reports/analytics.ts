import type { Knex } from 'knex';
import type { AnalyticsQuery, SegmentAnalytics } from '../../../../shared/contracts/reports';
import { MIN_MEMBERS } from '../../../../shared/contracts/reports';
import type { HostTables } from '../../core/db/tables';
import { ALL_CUSTOMERS, periodFigures, type Figures } from './analytics-sql';
import { changeOf, compareSegments, EMPTY, flagsOf, metricsOf } from './metrics';
import { movedKey, periodJson, periodOf, type Period } from './periods';
import { servedFigures, type StoredKind } from './stored-figures';

type SegmentRef = { id: number; key: string; name: string };

/** A period as a stored question's key (its local days and time zone: they give its instants back). */
export const periodKey = (p: Period) => [p.from, p.to, p.timeZone].join('|');

/**
 * Period figures stored ahead of the question (stored-figures.ts). A segment without members in
 * the period has no row in periodFigures' answer; it is stored as zeros, so that it is not
 * looked for and recomputed on every question.
 */
export const periodFiguresKind = (knex: Knex, t: HostTables): StoredKind<Figures> => ({
  kind: 'period',
  async compute(questions) {
    const asks = questions.map((q) => {
      const [from, to, timeZone] = q.key.split('|');
      return { period: periodOf(from, to, timeZone), segmentIds: q.segmentIds.filter((id) => id !== ALL_CUSTOMERS) };
    });
    const found = await periodFigures(knex, t, asks);
    return questions.map((q, i) => new Map(q.segmentIds.map((id) => [id, found[i].get(id) ?? EMPTY])));
  },
  movedToToday: movedKey,
});

export type AnalyticsOptions = { onStale?: () => void };

/**
 * A segment's analytics: its metrics over the period (and the comparison period), the same over
 * all customers, and every visible segment's metrics for ranks, outliers and the heatmap.
 */
export const segmentAnalytics = async (
  knex: Knex,
  t: HostTables,
  segment: SegmentRef,
  visible: SegmentRef[],
  q: AnalyticsQuery,
  { onStale }: AnalyticsOptions = {}
): Promise<SegmentAnalytics> => {
  const ids = visible.map((s) => s.id);
  const period = periodOf(q.from, q.to, q.timeZone);
  const comparison = q.compareFrom && q.compareTo ? periodOf(q.compareFrom, q.compareTo, q.timeZone) : null;

  // Both periods' figures, stored ahead or computed in one statement; each period's metrics and the
  // benchmark from its sums. The ranking and heatmap need every segment in the period, the comparison only this one.
  const questions = [
    { key: periodKey(period), segmentIds: [ALL_CUSTOMERS, ...ids] },
    ...(comparison ? [{ key: periodKey(comparison), segmentIds: [ALL_CUSTOMERS, segment.id] }] : []),
  ];
  const { figures, asOf, stale } = await servedFigures(knex, periodFiguresKind(knex, t), questions, { fresh: q.fresh, onStale });
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
    asOf: asOf.toISOString(),
    stale,
  };
};
