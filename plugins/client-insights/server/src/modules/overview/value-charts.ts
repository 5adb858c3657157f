import type { Core } from '@strapi/strapi';
import { hostTables, TABLES } from '../../core/db/tables';
import { clvBasis, latestRunId } from '../values/reports';

const SCORES = TABLES.scores;
export const CLV_BUCKETS = 20;
const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'] as const;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * What the value-model charts draw beyond the values API: the quadrant scatter (customers per
 * quadrant × R × M with averages and representative customers) and the CLV histogram.
 * SQL aggregates over ci_customer_scores; no customer rows in Node except 3 per quadrant.
 */
export const valueCharts = async (strapi: Core.Strapi) => {
  const knex = strapi.db.connection;
  const customers = hostTables(strapi).customers;
  const [points, quadrantRows, range] = await Promise.all([
    knex(SCORES)
      .whereNotNull('quadrant')
      .groupBy('quadrant', 'r', 'm')
      .select('quadrant', 'r', 'm', knex.raw('count(*) as customers'), knex.raw('avg(clv) as avg_clv'), knex.raw('avg(churn_risk) as avg_churn'))
      .orderBy(['quadrant', 'r', 'm']),
    knex(SCORES)
      .whereNotNull('quadrant')
      .groupBy('quadrant')
      .select(
        'quadrant',
        knex.raw('count(*) as customers'),
        knex.raw('avg(r) as avg_r'),
        knex.raw('avg(f) as avg_f'),
        knex.raw('avg(m) as avg_m'),
        knex.raw('avg(clv) as avg_clv'),
        knex.raw('avg(churn_risk) as avg_churn')
      ),
    knex(SCORES).whereNotNull('clv').first(knex.raw('min(clv) as lo'), knex.raw('max(clv) as hi'), knex.raw('count(*) as n')),
  ]);
  const representatives = Object.fromEntries(
    await Promise.all(
      QUADRANTS.map(async (q) => {
        const rows = await knex(`${SCORES} as s`)
          .join(`${customers} as c`, 'c.id', 's.customer_id')
          .where('s.quadrant', q)
          .orderByRaw('s.clv is null, s.clv desc')
          .orderBy('s.customer_id')
          .limit(3)
          .select('c.id', 'c.name', 's.clv');
        return [q, rows.map((r: any) => ({ id: Number(r.id), name: r.name, clv: num(r.clv) }))];
      })
    )
  );

  let histogram: { from: number; to: number; customers: number }[] = [];
  const lo = Number((range as any)?.lo ?? 0);
  const hi = Number((range as any)?.hi ?? 0);
  if (Number((range as any)?.n ?? 0) > 0) {
    const width = hi > lo ? (hi - lo) / CLV_BUCKETS : 1;
    const edges = Array.from({ length: CLV_BUCKETS }, (_, i) => [lo + i * width, i === CLV_BUCKETS - 1 ? Infinity : lo + (i + 1) * width]);
    const row = await knex(SCORES)
      .whereNotNull('clv')
      .first(
        edges.map(([a, b], i) =>
          b === Infinity
            ? knex.raw('sum(case when clv >= ? then 1 else 0 end) as ??', [a, `b${i}`])
            : knex.raw('sum(case when clv >= ? and clv < ? then 1 else 0 end) as ??', [a, b, `b${i}`])
        )
      );
    histogram = edges.map(([a, b], i) => ({ from: a, to: b === Infinity ? hi : b, customers: Number((row as any)?.[`b${i}`] ?? 0) }));
  }

  return {
    points: points.map((p: any) => ({
      quadrant: p.quadrant,
      r: Number(p.r),
      m: Number(p.m),
      customers: Number(p.customers),
      avgClv: num(p.avg_clv),
      avgChurnRisk: num(p.avg_churn),
    })),
    quadrants: quadrantRows.map((q: any) => ({
      quadrant: q.quadrant,
      customers: Number(q.customers),
      avgR: num(q.avg_r),
      avgF: num(q.avg_f),
      avgM: num(q.avg_m),
      avgClv: num(q.avg_clv),
      avgChurnRisk: num(q.avg_churn),
      representatives: representatives[q.quadrant] ?? [],
    })),
    clvHistogram: histogram,
    /** What the CLV figures measure (the latest run's horizon and margin rate). */
    clv: await clvBasis(knex, await latestRunId(knex)),
  };
};
