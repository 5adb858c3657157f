import { z } from 'zod';
import { validateCron } from '../../core/jobs/scheduler';

/**
 * The value-model configuration (RFM definitions and scoring, quadrants, CLV, churn blend,
 * propensity models, schedule). Every field has a documented default; the settings endpoint
 * validates a partial update against this schema and stores the merged result.
 */
const ascending4 = (label: string) =>
  z
    .array(z.number().finite().min(0))
    .length(4, `${label} needs exactly 4 ascending cut points (5 scores)`)
    .refine((v) => v.every((x, i) => i === 0 || x > v[i - 1]), `${label} cut points must be strictly ascending`);

const score = z.number().int().min(1).max(5);
export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost'] as const;
export const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export type Quadrant = (typeof QUADRANTS)[number];

export const valueConfigSchema = z
  .object({
    rfm: z
      .object({
        /** R = days since the last paid order, the latest contract end (0 while a contract runs) or the last interaction. */
        recency: z.enum(['last_paid_order', 'last_contract', 'last_interaction']).default('last_paid_order'),
        /** F = paid orders, paid renewals or meetings attended, within the period. */
        frequency: z.enum(['orders', 'renewals', 'meetings_attended']).default('orders'),
        /** M = revenue (amount) or gross margin of paid orders within the period. */
        monetary: z.enum(['revenue', 'gross_margin']).default('revenue'),
        periodDays: z.number().int().min(1).max(3650).default(730),
        scoring: z
          .discriminatedUnion('method', [
            z.object({ method: z.literal('quantile') }),
            z.object({
              method: z.literal('thresholds'),
              /** Days: R = 5 when days ≤ r[0], 4 when ≤ r[1], …, 1 above r[3]. */
              r: ascending4('scoring.r'),
              /** F and M: 2 from f[0], 3 from f[1], 4 from f[2], 5 from f[3] (inclusive). */
              f: ascending4('scoring.f'),
              m: ascending4('scoring.m'),
            }),
          ])
          .default({ method: 'quantile' }),
        weights: z
          .object({ r: z.number().min(0).max(100), f: z.number().min(0).max(100), m: z.number().min(0).max(100) })
          .refine((w) => w.r + w.f + w.m > 0, 'at least one weight must be positive')
          .default({ r: 1, f: 1, m: 1 }),
        /** Scores of customers with no paid order ever; they are left out of the quantiles. */
        noOrderScores: z.object({ r: score, f: score, m: score }).default({ r: 1, f: 1, m: 1 }),
        noOrderSegment: z.enum(RFM_SEGMENTS).default('potential'),
        /** M above this percentile of buyers is capped (winsorised) in the stored monetary value and the matrix's averages. */
        monetaryCapPercentile: z.number().min(0.5).max(1).default(0.99),
      })
      .strict()
      .default({}),
    quadrants: z
      .object({
        /** high_value needs r, f and m all at or above this score. */
        highScore: score.default(4),
        /** R at or below this score is "low" (dormant, or churn_risk with a risk signal). */
        lowRecency: score.default(2),
        /** Complaints + negative feedback within the period that count as a risk signal. */
        complaintThreshold: z.number().int().min(1).max(1000).default(1),
      })
      .strict()
      .default({}),
    clv: z
      .object({
        /** CLV is the predicted margin over this many months (not a lifetime): services run for years, see README. */
        horizonMonths: z.number().int().min(1).max(120).default(36),
        monthlyDiscountRate: z.number().min(0).max(0.5).default(0.01),
        /** Margin applied to predicted revenue; null = observed gross margin / revenue of paid orders. */
        marginRate: z.number().min(0).max(1).nullable().default(null),
        /** Below this many customers with repeat purchases the models are not fitted: historical CLV, flagged. */
        minRepeatCustomers: z.number().int().min(10).max(1_000_000).default(100),
        /** Models are fitted on at most this many customers (an even sample); everyone is scored. */
        fitSampleSize: z.number().int().min(1000).max(2_000_000).default(50_000),
      })
      .strict()
      .default({}),
    churn: z
      .object({
        /** Noisy-OR weights: churn = 1 − P(alive) · Π(1 − w·signal). */
        riskTagWeight: z.number().min(0).max(1).default(0.4),
        overdueWeight: z.number().min(0).max(1).default(0.3),
        complaintWeight: z.number().min(0).max(1).default(0.3),
        /** Complaints saturate at this count (signal = min(count, cap) / cap). */
        complaintCap: z.number().int().min(1).max(100).default(3),
      })
      .strict()
      .default({}),
    propensity: z
      .object({
        /** Label window: renewal / upsell within this many days after the feature date. */
        windowDays: z.number().int().min(30).max(730).default(180),
        l2: z.number().min(0).max(1e6).default(1),
        /** Fewer positive or negative training labels than this: no model, probabilities stay null. */
        minClassSize: z.number().int().min(1).max(1_000_000).default(20),
      })
      .strict()
      .default({}),
    schedule: z
      .object({ enabled: z.boolean().default(false), cron: z.string().default('0 3 * * *'), timezone: z.string().default('UTC') })
      .strict()
      .superRefine((s, ctx) => {
        const problem = validateCron(s.cron, s.timezone);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: problem });
      })
      .default({}),
    /** Score history is kept for this many runs (quadrant migration needs two). */
    keepRuns: z.number().int().min(2).max(1000).default(12),
  })
  .strict();

export type ValueConfig = z.infer<typeof valueConfigSchema>;
export const defaultValueConfig = (): ValueConfig => valueConfigSchema.parse({});

/** Merges a partial update (one level deep per section) over the current configuration, then validates the result. */
export const mergeValueConfig = (current: ValueConfig, update: unknown) => {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    return { success: false as const, errors: [{ path: '', message: 'settings must be a JSON object' }] };
  }
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    const base = (current as Record<string, unknown>)[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object' ? { ...base, ...value } : value;
  }
  const parsed = valueConfigSchema.safeParse(merged);
  if (parsed.success) return { success: true as const, config: parsed.data };
  return {
    success: false as const,
    errors: parsed.error.issues.map((issue) => ({ path: `/${issue.path.join('/')}`, message: issue.message })),
  };
};
