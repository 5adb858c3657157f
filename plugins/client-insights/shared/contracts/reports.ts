import { z } from 'zod';
import { isTimeZone } from '../labels';
import { QUADRANTS_OR_NONE } from '../enums';
import { customerRowSchema } from './customers';
import { dataOf, endpoint, flag, pageOf, pageQuery, refText } from './http';
import { kpiSchema } from './overview';

/** Reports: a segment's analytics over a period, and its trends with a forecast. */

/** The longest period a report covers (from its first to its last day). */
export const MAX_PERIOD_DAYS = 5 * 366;
/** Below this many members a segment's figures are flagged as insufficient data. */
export const MIN_MEMBERS = 30;
/** The most periods a forecast looks ahead. */
export const MAX_HORIZON = 52;

/** A calendar day `YYYY-MM-DD` that exists. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-01-31')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return y >= 1970 && y <= 9999 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'a date that exists, from 1970');

const timeZone = z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default('UTC');

const dayNumber = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / 86_400_000;

/** `to` on or after `from`, at most MAX_PERIOD_DAYS days long; the error names `to`. */
const checkPeriod = (from: string | undefined, to: string | undefined, ctx: z.RefinementCtx, toKey: string) => {
  if (from === undefined || to === undefined) return;
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [toKey], message: 'must not be before the start of the period' });
  else if (days > MAX_PERIOD_DAYS)
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [toKey], message: `a period of at most 5 years (${MAX_PERIOD_DAYS} days)` });
};

export const analyticsQuery = z
  .object({
    /** First and last day of the period (both included), in `timeZone`. */
    from: day,
    to: day,
    timeZone,
    /** An optional comparison period: both days or neither. */
    compareFrom: day.optional(),
    compareTo: day.optional(),
    /** Compute now instead of serving figures computed ahead (which may be up to 10 minutes behind, marked `stale`). */
    fresh: flag.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    checkPeriod(q.from, q.to, ctx, 'to');
    if ((q.compareFrom === undefined) !== (q.compareTo === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [q.compareFrom === undefined ? 'compareFrom' : 'compareTo'],
        message: 'give both compareFrom and compareTo, or neither',
      });
    }
    checkPeriod(q.compareFrom, q.compareTo, ctx, 'compareTo');
  });

export const GRANULARITIES = ['day', 'week', 'month'] as const;

export const trendsQuery = z
  .object({
    from: day,
    to: day,
    timeZone,
    /** Days, ISO weeks (Monday first) or calendar months, in `timeZone`. */
    granularity: z.enum(GRANULARITIES).default('week'),
    /** Periods to forecast after the last one (0: none). */
    horizon: z.coerce.number().int().min(0).max(MAX_HORIZON).default(8),
    /** As for analytics: compute the series now instead of serving it as stored. */
    fresh: flag.optional(),
  })
  .strict()
  .superRefine((q, ctx) => checkPeriod(q.from, q.to, ctx, 'to'));

export const segmentParams = z.object({ segmentId: refText });

export const METRICS = ['customers', 'revenue', 'orders', 'aov', 'conversionRate', 'retentionRate', 'churnRate', 'margin', 'revenueShare'] as const;
export type MetricKey = (typeof METRICS)[number];
/** Metrics where less is better (ranked ascending). */
export const LOWER_IS_BETTER: readonly MetricKey[] = ['churnRate'];

export const FLAGS = ['empty', 'few_members', 'no_orders', 'no_margin', 'partial_margin', 'no_retention_base', 'too_few_segments_for_outliers'] as const;

const metricsSchema = z.object({
  /** Customers who were members at any time during the period. */
  customers: z.number(),
  /** Paid orders of those customers placed in the period: their amount, count and distinct buyers. */
  revenue: z.number(),
  orders: z.number(),
  buyers: z.number(),
  /** revenue / orders; null without orders. */
  aov: z.number().nullable(),
  /** buyers / customers; null without customers. */
  conversionRate: z.number().nullable(),
  /** Of the members active (a paid order or an interaction) in the window of equal length before the period, the share active again in it. */
  retentionRate: z.number().nullable(),
  /** 1 − retentionRate: the same base, not active again. */
  churnRate: z.number().nullable(),
  /** Sum of the orders' gross margin; null when no order carries one. */
  margin: z.number().nullable(),
  marginRate: z.number().nullable(),
  /** Share of the orders that carry a margin. */
  marginCoverage: z.number().nullable(),
  retentionBase: z.number(),
  /** revenue / all customers' revenue in the period. */
  revenueShare: z.number().nullable(),
});

const periodSchema = z.object({ from: z.string(), to: z.string(), timeZone: z.string(), start: z.string(), end: z.string() });
const outlier = z.enum(['high', 'low']).nullable();
const byMetric = <S extends z.ZodTypeAny>(s: S) => z.object(Object.fromEntries(METRICS.map((m) => [m, s])) as Record<MetricKey, S>);

export const segmentAnalyticsSchema = z.object({
  segment: z.object({ id: z.number(), key: z.string(), name: z.string() }),
  period: periodSchema,
  comparison: periodSchema.nullable(),
  metrics: metricsSchema,
  comparisonMetrics: metricsSchema.nullable(),
  /** Relative change vs the comparison period, (now − then) / then; null when `then` is 0 or missing. */
  change: byMetric(z.number().nullable()).nullable(),
  /** The same figures over all customers created before the period's end. */
  benchmark: metricsSchema,
  /** 1 = best among the segments the caller may see (ties share a rank); null when the metric has no value. */
  ranking: byMetric(z.object({ rank: z.number(), of: z.number() }).nullable()),
  /** Beyond 1.5 IQR of the visible segments' values (at least 4 segments with a value). */
  outliers: byMetric(outlier),
  flags: z.array(z.enum(FLAGS)),
  minMembers: z.number(),
  /** Every segment the caller may see over the same period: the heatmap rows. */
  segments: z.array(z.object({ id: z.number(), key: z.string(), name: z.string(), metrics: metricsSchema, outliers: byMetric(outlier) })),
  /** When the oldest of these figures was computed (they are computed ahead of the question, reports/stored-figures). */
  asOf: z.string(),
  /** True when orders, interactions or a segment's membership changed since `asOf` (a refresh is under way; `fresh=true` computes now). */
  stale: z.boolean(),
});

const pointSchema = z.object({
  period: z.string(),
  start: z.string(),
  members: z.number(),
  revenue: z.number(),
  orders: z.number(),
  aov: z.number().nullable(),
  /** The period has not ended (it holds the time of the answer, or is still to come): its figures are so far, and the forecast is fitted without it. */
  partial: z.boolean(),
});
const forecastSchema = z.object({
  method: z.enum(['holt', 'holt-winters-additive', 'none']),
  /** Smoothing parameters chosen by the least one-step squared error over a grid. */
  params: z.object({ alpha: z.number(), beta: z.number(), gamma: z.number().nullable(), season: z.number().nullable() }).nullable(),
  /** From the first period that is not complete (the one under way, when the series reaches it) on. */
  points: z.array(z.object({ period: z.string(), value: z.number(), lower: z.number(), upper: z.number() })),
  /** Fitted on all but the last `heldOut` periods, scored on them; MAPE skips actual zeros (null when all are). */
  backtest: z.object({ heldOut: z.number(), mae: z.number(), mape: z.number().nullable() }).nullable(),
  /** Why there is no forecast or backtest (too few periods). */
  note: z.string().nullable(),
});

export const segmentTrendsSchema = z.object({
  segment: z.object({ id: z.number(), key: z.string(), name: z.string() }),
  timeZone: z.string(),
  granularity: z.enum(GRANULARITIES),
  series: z.array(pointSchema),
  forecast: z.object({ members: forecastSchema, revenue: forecastSchema, orders: forecastSchema, aov: forecastSchema }),
  /** As for analytics: when the series was computed, and whether its inputs changed since. */
  asOf: z.string(),
  stale: z.boolean(),
});

// ---- customer flow and monitoring (reports/flow*.ts, reports/monitoring*.ts) --------------------

/** A node of the segment flow: a segment's id, or `none` (in no segment the caller may see). */
export const FLOW_NONE = 'none';
const runRef = z.coerce.number({ invalid_type_error: 'a value run id' }).int().positive().max(2_147_483_647);

const flowBase = {
  /** The flow compares the membership at the start of `from` with that at the end of `to` (local days). */
  from: day,
  to: day,
  timeZone,
  /** The value runs whose quadrants are compared (default: the two latest successful ones). */
  runA: runRef.optional(),
  runB: runRef.optional(),
};

export const flowQuery = z
  .object(flowBase)
  .strict()
  .superRefine((q, ctx) => checkPeriod(q.from, q.to, ctx, 'to'));

export const FLOW_KINDS = ['segment', 'quadrant'] as const;
export const flowCustomersQuery = z
  .object({
    ...flowBase,
    kind: z.enum(FLOW_KINDS).default('segment'),
    /** Where the customers were at the start and at the end: a segment id or `none` (segment), a quadrant or `none` (quadrant). */
    source: z.string().max(20),
    target: z.string().max(20),
    ...pageQuery(100, 20),
  })
  .strict()
  .superRefine((q, ctx) => {
    checkPeriod(q.from, q.to, ctx, 'to');
    const valid = (v: string) => (q.kind === 'segment' ? /^(none|[1-9]\d{0,9})$/.test(v) : (QUADRANTS_OR_NONE as readonly string[]).includes(v));
    for (const key of ['source', 'target'] as const)
      if (!valid(q[key]))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: q.kind === 'segment' ? 'a segment id or none' : 'a quadrant or none' });
  });

export const flowSchema = z.object({
  period: periodSchema,
  /** Membership is taken just before `period.start` and just before `period.end` (every event before the instant applied). */
  segments: z.object({
    nodes: z.array(z.object({ id: z.string(), key: z.string().nullable(), name: z.string().nullable() })),
    /** A customer in several segments counts once in each: a link is a (segment at the start, segment at the end) pair. */
    links: z.array(z.object({ source: z.string(), target: z.string(), customers: z.number() })),
    /** Customers who existed at the end (created before it): each appears in one or more links. */
    customers: z.number(),
  }),
  /** The value quadrants' migration between two runs (values' migration matrix). */
  quadrants: z.object({
    fromRun: z.number().nullable(),
    toRun: z.number().nullable(),
    cells: z.array(z.object({ from: z.string(), to: z.string(), customers: z.number() })),
  }),
});

export const monitoringQuery = z
  .object({
    from: day,
    to: day,
    timeZone,
    /** Churn accuracy: scores from the last run at least this many days before the period's end. */ horizonDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(365)
      .default(90),
  })
  .strict()
  .superRefine((q, ctx) => checkPeriod(q.from, q.to, ctx, 'to'));

const rate = z.number().nullable();
export const monitoringSchema = z.object({
  period: periodSchema,
  segments: z.object({
    /** Customers created before the end; of them, those in at least one segment at the end (any segment, current membership as of the end). */
    customers: z.number(),
    covered: z.number(),
    coverage: rate,
    /** Successful runs finished in the period, per day; failed ones; mean members per run over all customers (hit rate). */
    runs: z.number(),
    failedRuns: z.number(),
    runsPerDay: z.number(),
    avgMembers: z.number().nullable(),
    hitRate: rate,
    avgDurationMs: z.number().nullable(),
  }),
  automation: z.object({
    triggers: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    skipped: z.number(),
    /** succeeded / (succeeded + failed); failed / (succeeded + failed). */
    successRate: rate,
    errorRate: rate,
    avgLatencyMs: z.number().nullable(),
  }),
  values: z.object({
    fromRun: z.number().nullable(),
    toRun: z.number().nullable(),
    /** Customers scored in both runs, those whose quadrant changed, their share. */
    compared: z.number(),
    moved: z.number(),
    transitionRate: rate,
    churn: z
      .object({
        run: z.number(),
        scoredAt: z.string(),
        threshold: z.number(),
        scored: z.number(),
        churned: z.number(),
        predicted: z.number(),
        truePositives: z.number(),
        precision: rate,
        recall: rate,
        auc: rate,
      })
      .nullable(),
  }),
  tags: z.object({ newTags: z.number(), assignments: z.number(), taggedCustomers: z.number(), expired: z.number() }),
  lifecycle: z.object({
    retentionBase: z.number(),
    retained: z.number(),
    retentionRate: rate,
    buyers: z.number(),
    repeatBuyers: z.number(),
    repurchaseRate: rate,
    newCustomers: z.number(),
    referred: z.number(),
    referralRate: rate,
    activeCustomers: z.number(),
    complainants: z.number(),
    complaintRate: rate,
  }),
  /**
   * The overview's KPI board by the same function (overview/kpis.ts), as of the period's end, or
   * now when the period reaches past it: then it equals GET /overview/kpis.
   */
  board: z.object({ asOf: z.string(), kpis: z.array(kpiSchema) }),
});

const flowApi = {
  flow: endpoint({ method: 'GET', path: '/reports/flow', query: flowQuery, response: dataOf(flowSchema) }),
  flowCustomers: endpoint({ method: 'GET', path: '/reports/flow/customers', query: flowCustomersQuery, response: pageOf(customerRowSchema) }),
  monitoring: endpoint({ method: 'GET', path: '/reports/monitoring', query: monitoringQuery, response: dataOf(monitoringSchema) }),
};

// ---------------------------------------------------------------------------------------------
// Campaign attribution with holdouts
// ---------------------------------------------------------------------------------------------

export const ATTRIBUTION_MODELS = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];
/** Below this many customers in either group (or fewer than 5 expected conversions or non-conversions) a lift is flagged as too small. */
export const MIN_HOLDOUT_GROUP = 30;

/** `a,b,c` of the models; every one when absent. The error names `models`. */
const modelList = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const names = [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      ),
    ];
    const unknown = names.filter((n) => !(ATTRIBUTION_MODELS as readonly string[]).includes(n));
    if (unknown.length || names.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown model "${unknown[0] ?? s}": one of ${ATTRIBUTION_MODELS.join(', ')}` });
      return z.NEVER;
    }
    return names as AttributionModel[];
  });

export const attributionQuery = z
  .object({
    /** Days after a touch in which a conversion is credited to it. */
    window: z.coerce.number().int().min(1).max(365).default(30),
    models: modelList.default(ATTRIBUTION_MODELS.join(',')),
    /** Time decay: a touch `halfLife` days before the conversion weighs half as much as one at it. */
    halfLife: z.coerce.number().min(0.5).max(365).default(7),
    /** Only conversions of this segment's members: `now` (current members) or `during` (members at any time in the window before the conversion). */
    segmentId: refText.optional(),
    membership: z.enum(['now', 'during']).default('during'),
    /** Conversions (paid orders) placed from `from` to `to` (local days of `timeZone`, both included); the holdout period too. */
    from: day.optional(),
    to: day.optional(),
    timeZone,
  })
  .strict()
  .superRefine((q, ctx) => {
    if ((q.from === undefined) !== (q.to === undefined))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [q.from === undefined ? 'from' : 'to'], message: 'give both from and to, or neither' });
    checkPeriod(q.from, q.to, ctx, 'to');
  });

export const campaignParams = z.object({ id: refText });

const creditSchema = z.object({
  model: z.enum(ATTRIBUTION_MODELS),
  /** Credited conversions (fractions of orders), their amount and gross margin. */
  conversions: z.number(),
  revenue: z.number(),
  margin: z.number(),
  /** (margin − budget) / budget; null without a budget above 0. */
  roi: z.number().nullable(),
});

const groupSchema = z.object({ customers: z.number(), converted: z.number(), rate: z.number().nullable() });
const holdoutSchema = z.object({
  /** The campaign's own holdout (hash of campaign and customer over its audience), or an automation rule's (occurrences in state holdout). */
  source: z.enum(['campaign', 'rule']),
  ruleDoc: z.string().nullable(),
  name: z.string(),
  percent: z.number(),
  treated: groupSchema,
  holdout: groupSchema,
  /** treated.rate − holdout.rate, with its 95 % interval (Newcombe's hybrid Wilson score method). */
  lift: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  /** lift / holdout.rate; null when the holdout did not convert. */
  relativeLift: z.number().nullable(),
  tooSmall: z.boolean(),
});

export const ATTRIBUTION_FLAGS = ['no_touches', 'no_conversions', 'no_budget', 'partial_margin', 'no_holdout'] as const;

export const campaignAttributionSchema = z.object({
  campaign: z.object({ id: z.number(), documentId: z.string(), name: z.string(), budget: z.number().nullable(), holdoutPercent: z.number() }),
  window: z.number(),
  halfLife: z.number(),
  segment: z.object({ id: z.number(), key: z.string(), name: z.string(), membership: z.enum(['now', 'during']) }).nullable(),
  /** The conversions' period (null: all time), as instants. */
  period: z.object({ start: z.string(), end: z.string() }).nullable(),
  touches: z.object({ interactions: z.number(), automation: z.number(), customers: z.number() }),
  /** Paid orders with at least one of the campaign's touches in the window before them (before any credit split). */
  conversions: z.object({ orders: z.number(), revenue: z.number(), margin: z.number(), marginOrders: z.number() }),
  models: z.array(creditSchema),
  holdouts: z.array(holdoutSchema),
  minGroup: z.number(),
  flags: z.array(z.enum(ATTRIBUTION_FLAGS)),
});

/** The campaigns to pick from by name: `q` a part of the name (any case), at most `limit` of them (by name). */
export const campaignListQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    limit: z.coerce.number({ invalid_type_error: 'a number from 1 to 500' }).int('a whole number').min(1).max(500).default(100),
  })
  .strict();

export const campaignListItemSchema = z.object({ id: z.number(), name: z.string(), channel: z.string().nullable(), holdoutPercent: z.number() });

export const reportsApi = {
  ...flowApi,
  analytics: endpoint({
    method: 'GET',
    path: '/segments/analytics/:segmentId',
    params: segmentParams,
    query: analyticsQuery,
    response: dataOf(segmentAnalyticsSchema),
  }),
  trends: endpoint({ method: 'GET', path: '/segments/trends/:segmentId', params: segmentParams, query: trendsQuery, response: dataOf(segmentTrendsSchema) }),
  attribution: endpoint({
    method: 'GET',
    path: '/campaigns/:id/attribution',
    params: campaignParams,
    query: attributionQuery,
    response: dataOf(campaignAttributionSchema),
  }),
  campaigns: endpoint({ method: 'GET', path: '/campaigns', query: campaignListQuery, response: dataOf(z.array(campaignListItemSchema)) }),
};

export type SegmentMetrics = z.infer<typeof metricsSchema>;
export type SegmentAnalytics = z.infer<typeof segmentAnalyticsSchema>;
export type SegmentTrends = z.infer<typeof segmentTrendsSchema>;
export type Forecast = z.infer<typeof forecastSchema>;
export type Granularity = (typeof GRANULARITIES)[number];
export type AnalyticsQuery = z.output<typeof analyticsQuery>;
export type TrendsQuery = z.output<typeof trendsQuery>;
export type FlowQuery = z.output<typeof flowQuery>;
export type FlowCustomersQuery = z.output<typeof flowCustomersQuery>;
export type Flow = z.infer<typeof flowSchema>;
export type MonitoringQuery = z.output<typeof monitoringQuery>;
export type Monitoring = z.infer<typeof monitoringSchema>;

export type AttributionQuery = z.output<typeof attributionQuery>;
export type CampaignListQuery = z.output<typeof campaignListQuery>;
export type CampaignListItem = z.infer<typeof campaignListItemSchema>;
export type CampaignAttribution = z.infer<typeof campaignAttributionSchema>;
export type HoldoutResult = z.infer<typeof holdoutSchema>;
export type AttributionCredit = z.infer<typeof creditSchema>;
