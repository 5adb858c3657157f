import { z } from 'zod';
import { QUADRANTS } from '../enums';
import { dataOf, endpoint, noQuery } from './http';
import { clvBasisSchema } from './values';

/** Overview: row counts, the top KPI board and the value charts. */

export const countsSchema = z.object({ customer: z.number(), segment: z.number(), tag: z.number(), order: z.number(), interaction: z.number() });

export const kpiSchema = z.object({
  key: z.enum(['total', 'active', 'churn_risk', 'new', 'deals', 'retention']),
  value: z.number(),
  previous: z.number(),
  unit: z.enum(['count', 'percent']),
  series: z.array(z.object({ period: z.string(), value: z.number() })),
  /**
   * Where the card drills to, counting the same customers by the same definition: the rule of the
   * matching segment (opened in the builder), or else a customer-list filter (`filter`), or the whole list.
   */
  rule: z.unknown(),
  /** The customer-list query that lists the card's customers when no rule can name them (retention: `retained`). */
  filter: z.record(z.string(), z.string()).optional(),
});

export const valueChartsSchema = z.object({
  points: z.array(
    z.object({
      quadrant: z.enum(QUADRANTS),
      r: z.number(),
      m: z.number(),
      customers: z.number(),
      avgClv: z.number().nullable(),
      avgChurnRisk: z.number().nullable(),
    })
  ),
  quadrants: z.array(
    z.object({
      quadrant: z.enum(QUADRANTS),
      customers: z.number(),
      avgR: z.number().nullable(),
      avgF: z.number().nullable(),
      avgM: z.number().nullable(),
      avgClv: z.number().nullable(),
      avgChurnRisk: z.number().nullable(),
      /** A few customers of the quadrant, highest CLV first (names are never masked). */
      representatives: z.array(z.object({ id: z.number(), name: z.string().nullable(), clv: z.number().nullable() })),
    })
  ),
  clvHistogram: z.array(z.object({ from: z.number(), to: z.number(), customers: z.number() })),
  /** What the CLV figures measure (the latest run's horizon and margin rate). */
  clv: clvBasisSchema.nullable(),
});

export const overviewApi = {
  counts: endpoint({ method: 'GET', path: '/overview/counts', query: noQuery, response: dataOf(countsSchema) }),
  kpis: endpoint({ method: 'GET', path: '/overview/kpis', query: noQuery, response: dataOf(z.object({ asOf: z.string(), kpis: z.array(kpiSchema) })) }),
  valueCharts: endpoint({ method: 'GET', path: '/overview/value-charts', query: noQuery, response: dataOf(valueChartsSchema) }),
};

export type Counts = z.infer<typeof countsSchema>;
export type Kpi = z.infer<typeof kpiSchema>;
export type ValueCharts = z.infer<typeof valueChartsSchema>;
