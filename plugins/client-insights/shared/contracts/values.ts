import { z } from 'zod';
import { QUADRANTS, RFM_SEGMENTS, VALUE_CARD_KINDS, VALUE_JOB_PHASES, VALUE_STRATEGIES } from '../enums';
import { jobSchemaOf } from './jobs';
import { dataOf, dateTime, endpoint, flag, idText, isoDate, MAX_ID, noBody, noQuery } from './http';
import { labelsSchema } from './rules';

/** Value models: RFM, CLV, propensities, quadrants; their settings and tracked recalculation. */

const ascending4 = (label: string) =>
  z
    .array(z.number().finite().min(0))
    .length(4, `${label} needs exactly 4 ascending cut points (5 scores)`)
    .refine((v) => v.every((x, i) => i === 0 || x > v[i - 1]), `${label} cut points must be strictly ascending`);

const score = z.number().int().min(1).max(5);

/**
 * The value-model configuration (RFM definitions and scoring, quadrants, CLV, churn blend,
 * propensity models, schedule). Every field has a documented default; the settings endpoint
 * validates a partial update against it and stores the merged result. `checkCron` answers a
 * problem with a cron expression and time zone, or null (the server's scheduler decides).
 */
export const valueConfigSchemaWith = (checkCron: (cron: string, timezone: string) => string | null) =>
  z
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
          /** CLV is the predicted margin over this many months (not a lifetime): services run for years, see values/README.md. */
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
          const problem = checkCron(s.cron, s.timezone);
          if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: problem });
        })
        .default({}),
      /** Score history is kept for this many runs (quadrant migration needs two). */
      keepRuns: z.number().int().min(2).max(1000).default(12),
    })
    .strict();

/** The configuration's shape, for reading it (the cron expression is not checked here). */
export const valueConfigSchema = valueConfigSchemaWith(() => null);
export type ValueConfig = z.infer<typeof valueConfigSchema>;

/**
 * PUT /values/settings: a partial update, merged one level deep per section over the current
 * settings; the merged result is validated as a whole (pointers into this body).
 */
export const valueSettingsUpdateSchema = z.record(z.string(), z.unknown(), { invalid_type_error: 'settings must be a JSON object' });

/** A value-recalculation job (ci_jobs), in the one job model (jobs.ts). */
export const jobSchema = jobSchemaOf(VALUE_JOB_PHASES);

/** A customer's latest value scores (null until scored), as the profile and the value-score endpoint show them. */
export const scoreFields = {
  r: z.number().nullable(),
  f: z.number().nullable(),
  m: z.number().nullable(),
  rfm: z.number().nullable(),
  rfmSegment: z.string().nullable(),
  quadrant: z.string().nullable(),
  clv: z.number().nullable(),
  churnRisk: z.number().nullable(),
  renewalProbability: z.number().nullable(),
  upsellProbability: z.number().nullable(),
};

/**
 * What a run's CLV figures are: the gross margin (revenue × `marginRate`) a customer is predicted
 * to bring in over the next `horizonMonths`, discounted by `monthlyDiscountRate` a month; not a
 * lifetime total. From the run's stored CLV model; null without one.
 */
export const clvBasisSchema = z.object({ horizonMonths: z.number(), monthlyDiscountRate: z.number(), marginRate: z.number(), method: z.string() });

export const customerValueScoreSchema = z.object({
  customerId: z.number(),
  ...scoreFields,
  /** What `clv` measures (horizon, margin rate, discount). */
  clvBasis: clvBasisSchema.nullable(),
  clvMethod: z.string().nullable(),
  pAlive: z.number().nullable(),
  /** Strategy suggestions in en / zh-Hans / zh (Traditional). */
  suggestions: z.object({ segment: labelsSchema.nullable(), quadrant: labelsSchema.nullable() }),
  modelVersion: z.string().nullable(),
  calculatedAt: isoDate.nullable(),
});

export const rfmMatrixSchema = z.object({
  runId: z.number().nullable(),
  modelVersion: z.string().nullable(),
  calculatedAt: isoDate.nullable(),
  /**
   * The run's statistics (values/refresh.ts: customers, buyers, missing values …); `scoredByValue`
   * lists the letters scored by value rather than by quintiles (too few distinct values among buyers).
   */
  stats: z
    .object({ scoredByValue: z.array(z.enum(['r', 'f', 'm'])).optional() })
    .passthrough()
    .nullable(),
  matrix: z.array(z.object({ r: z.number(), f: z.number(), customers: z.number(), avgMonetary: z.number() })),
  quadrants: z.record(z.enum(QUADRANTS), z.number()),
});

export const migrationSchema = z.object({
  fromRun: z.number().nullable(),
  toRun: z.number().nullable(),
  cells: z.array(z.object({ from: z.string(), to: z.string(), customers: z.number() })),
});

export const fittedModelsSchema = z.object({
  runId: z.number().nullable(),
  /** What the run's CLV measures: horizon, margin rate, discount. */
  clv: clvBasisSchema.nullable(),
  models: z.array(
    z.object({
      kind: z.string(),
      version: z.string(),
      method: z.string(),
      params: z.unknown(),
      logLikelihood: z.number().nullable(),
      metrics: z.unknown(),
      fittedAt: isoDate.nullable(),
    })
  ),
});

/**
 * One strategy card of the value page: the customers of an RFM segment or a quadrant now (the
 * latest scores, exactly those the customer list's `rfmSegment` / `quadrant` filter lists), their
 * share of the scored customers, the change since the previous calculation and the suggested
 * strategy (a code the admin translates).
 */
export const valueCardSchema = z.object({
  kind: z.enum(VALUE_CARD_KINDS),
  /** An RFM segment (kind `rfmSegment`) or a quadrant (kind `quadrant`). */
  key: z.string(),
  customers: z.number(),
  /** customers / scored customers, 0..1 (0 when nobody is scored). */
  share: z.number().min(0).max(1),
  /** The card's size in the previous successful calculation; null when there is none ("first calculation"). */
  previous: z.number().nullable(),
  /** customers − previous; null when there is no previous calculation. */
  change: z.number().nullable(),
  strategy: z.enum(VALUE_STRATEGIES),
  /** Follow-up tasks already created from this card today (UTC day), or null. */
  tasksToday: z.object({ tasks: z.number(), at: isoDate.nullable() }).nullable(),
});

export const valueCardsSchema = z.object({
  /** The latest successful calculation; null before the first (then `cards` is empty). */
  runId: z.number().nullable(),
  calculatedAt: isoDate.nullable(),
  /** The calculation the trends compare with; null when the latest is the first. */
  previousRunId: z.number().nullable(),
  previousCalculatedAt: isoDate.nullable(),
  /** Customers with a score now (the shares' denominator). */
  scored: z.number(),
  cards: z.array(valueCardSchema),
});

/**
 * GET /values/groups: a group of the latest scores, as a chart cell, bubble or card names it
 * (any combination; none = every scored customer). `hasOrders` as the heatmap: whether the latest
 * calculation saw a paid order.
 */
export const valueGroupQuerySchema = z
  .object({
    quadrant: z.enum(QUADRANTS).optional(),
    rfmSegment: z.enum(RFM_SEGMENTS).optional(),
    r: z.coerce.number().int().min(1).max(5).optional(),
    f: z.coerce.number().int().min(1).max(5).optional(),
    m: z.coerce.number().int().min(1).max(5).optional(),
    hasOrders: flag.optional(),
  })
  .strict();

/** Most representative customers a group's details list (highest CLV first). */
export const GROUP_REPRESENTATIVES = 5;

/** What hovering a heatmap cell or a quadrant bubble shows: size, averages and a few customers. */
export const valueGroupSchema = z.object({
  runId: z.number().nullable(),
  customers: z.number(),
  /** Days since the last activity R measures (customers with a value). */
  avgRecencyDays: z.number().nullable(),
  /** What F counts, in the period. */
  avgFrequency: z.number().nullable(),
  /** What M sums in the period, capped at the run's percentile as the heatmap (monetaryCapPercentile). */
  avgMonetary: z.number().nullable(),
  avgClv: z.number().nullable(),
  /** Up to GROUP_REPRESENTATIVES customers, highest CLV first; contact rules as everywhere (names are shown). */
  representatives: z.array(z.object({ id: z.number(), name: z.string().nullable(), clv: z.number().nullable() })).max(GROUP_REPRESENTATIVES),
});

/** The RFM segments or quadrants a card kind names. */
export const CARD_KEYS = { rfmSegment: RFM_SEGMENTS, quadrant: QUADRANTS } as const;

/** POST /values/cards/tasks: one open follow-up task per customer of a card, assigned to the customer's owner. */
export const valueCardTasksBodySchema = z
  .object({
    kind: z.enum(VALUE_CARD_KINDS),
    key: z.string(),
    title: z.string().trim().min(1, 'a title is required').max(200),
    dueAt: dateTime.nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const keys: readonly string[] = CARD_KEYS[b.kind] ?? [];
    if (keys.length && !keys.includes(b.key))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['key'], message: `key must be one of ${keys.join(', ')} for a ${b.kind} card` });
  });

export const valueCardTasksSchema = z.object({
  /** Tasks this request created (0 when the card already got its tasks today). */
  created: z.number(),
  /** The card already got its tasks today (UTC): nothing was created again. */
  repeated: z.boolean(),
  /** Tasks the card got today. */
  tasks: z.number(),
  /** The UTC day, YYYY-MM-DD. */
  day: z.string(),
});

/** A customer by numeric id or Strapi documentId. */
const customerRef = z
  .string()
  .regex(/^(\d+|[A-Za-z0-9]{10,40})$/, 'must be a numeric id or a documentId')
  .refine((s) => !/^\d+$/.test(s) || (Number(s) >= 1 && Number(s) <= MAX_ID), `a numeric id must be between 1 and ${MAX_ID}`);

export const valuesApi = {
  rfmMatrix: endpoint({ method: 'GET', path: '/values/rfm', query: noQuery, response: dataOf(rfmMatrixSchema) }),
  /** 202 with the job (the running one when `started` is false). */
  calculate: endpoint({
    method: 'POST',
    path: '/values/calculate',
    body: noBody,
    response: dataOf(jobSchema.extend({ started: z.boolean() })),
    statuses: [202],
  }),
  calculationStatus: endpoint({ method: 'GET', path: '/values/calculate/:jobId', params: z.object({ jobId: idText }), response: dataOf(jobSchema) }),
  /**
   * Cancels a recalculation: 200 with it `cancelled` (it was queued), 202 with it still `running`
   * and `cancelRequested` (it stops at its next phase; the published scores stay), 409 once finished.
   */
  cancelCalculation: endpoint({
    method: 'POST',
    path: '/values/calculate/:jobId/cancel',
    params: z.object({ jobId: idText }),
    body: noBody,
    response: dataOf(jobSchema),
    statuses: [200, 202],
  }),
  migration: endpoint({
    method: 'GET',
    path: '/values/migration',
    query: z.object({ from: idText.optional(), to: idText.optional() }).strict(),
    response: dataOf(migrationSchema),
  }),
  models: endpoint({ method: 'GET', path: '/values/models', query: z.object({ run: idText.optional() }).strict(), response: dataOf(fittedModelsSchema) }),
  getSettings: endpoint({ method: 'GET', path: '/values/settings', query: noQuery, response: dataOf(valueConfigSchema) }),
  updateSettings: endpoint({ method: 'PUT', path: '/values/settings', body: valueSettingsUpdateSchema, response: dataOf(valueConfigSchema) }),
  cards: endpoint({ method: 'GET', path: '/values/cards', query: noQuery, response: dataOf(valueCardsSchema) }),
  groups: endpoint({ method: 'GET', path: '/values/groups', query: valueGroupQuerySchema, response: dataOf(valueGroupSchema) }),
  /** 201 when the tasks were created, 200 when the card already got them today (nothing created). */
  cardTasks: endpoint({
    method: 'POST',
    path: '/values/cards/tasks',
    body: valueCardTasksBodySchema,
    response: dataOf(valueCardTasksSchema),
    statuses: [200, 201],
  }),
  /** A customer not yet scored answers every score field null (as score.* in rules): `data` is then null. */
  customerScore: endpoint({
    method: 'GET',
    path: '/values/customers/:id',
    params: z.object({ id: customerRef }),
    response: dataOf(customerValueScoreSchema.nullable()),
  }),
};

export type Job = z.infer<typeof jobSchema>;
export type RfmMatrix = z.infer<typeof rfmMatrixSchema>;
export type Migration = z.infer<typeof migrationSchema>;
export type CustomerValueScore = z.infer<typeof customerValueScoreSchema>;
export type ClvBasis = z.infer<typeof clvBasisSchema>;
export type ValueCards = z.infer<typeof valueCardsSchema>;
export type ValueCard = z.infer<typeof valueCardSchema>;
export type ValueGroup = z.infer<typeof valueGroupSchema>;
export type ValueGroupQuery = z.infer<typeof valueGroupQuerySchema>;
export type ValueCardTasks = z.infer<typeof valueCardTasksSchema>;
