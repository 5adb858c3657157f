import { z } from 'zod';

const QUADRANT = z.enum(['high_value', 'potential', 'dormant', 'churn_risk']);
/** A quadrant in one value run, or `none`: not scored in that run (as in the migration matrix). */
const QUADRANT_OR_NONE = z.enum(['high_value', 'potential', 'dormant', 'churn_risk', 'none']);
const score = z.coerce.number().int().min(1).max(5);
const runId = z.coerce.number().int().positive();
/** Query strings carry booleans as text; JSON bodies may send either. */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ invalid_type_error: 'true or false' }));

/**
 * Which customers a list, an export or a bulk task covers: search, stage, and the value-chart
 * drill-downs — a quadrant / R / F / M score (scatter point), buyers only (`hasOrders`, the
 * heatmap counts buyers), and a migration-matrix cell (`movedFrom` → `movedTo` between two value
 * runs, by default the two latest), and the retention KPI's drill-down (`retained`).
 */
const filterFields = z.object({
  q: z.string().trim().max(100).optional(),
  stage: z.enum(['consultation', 'application', 'signed', 'in_service', 'churned']).optional(),
  quadrant: QUADRANT.optional(),
  r: score.optional(),
  f: score.optional(),
  m: score.optional(),
  hasOrders: flag.optional(),
  movedFrom: QUADRANT_OR_NONE.optional(),
  movedTo: QUADRANT_OR_NONE.optional(),
  fromRun: runId.optional(),
  toRun: runId.optional(),
  /** The retention KPI's customers (overview/retention.ts): active in the 30 days before the last 30, and again since (true) or not (false). */
  retained: flag.optional(),
});

export type CustomerFilter = z.infer<typeof filterFields>;

const checkFilter = (f: CustomerFilter, ctx: z.RefinementCtx) => {
  if ((f.movedFrom === undefined) !== (f.movedTo === undefined)) {
    const missing = f.movedFrom === undefined ? 'movedFrom' : 'movedTo';
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: `${missing} is required with ${missing === 'movedFrom' ? 'movedTo' : 'movedFrom'}` });
  }
  if (f.movedFrom === 'none' && f.movedTo === 'none') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['movedTo'], message: 'movedFrom and movedTo cannot both be "none"' });
  for (const key of ['fromRun', 'toRun'] as const) {
    if (f[key] !== undefined && f.movedFrom === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} only applies with movedFrom and movedTo` });
  }
};

/** GET /customers: the filter plus a page (unknown query parameters are ignored). */
export const listQuerySchema = filterFields
  .extend({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .superRefine(checkFilter);

/** POST /customers/export: exactly the list's filter (no page: every matching customer). */
export const exportBodySchema = filterFields.strict().superRefine(checkFilter);

/** Bulk follow-up tasks are created one per customer, for lists up to this size. */
export const FOLLOW_UP_MAX = 500;

/** POST /customers/follow-up-tasks: one open follow-up task per customer of the filtered list. */
export const followUpBodySchema = z
  .object({
    filter: exportBodySchema.default({}),
    title: z.string().trim().min(1, 'a title is required').max(200),
    dueAt: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .strict();

export const assignTagSchema = z
  .object({ tagId: z.number().int().positive(), expiresAt: z.string().datetime({ offset: true }).nullable().optional() })
  .strict();
