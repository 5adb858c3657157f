import { z } from 'zod';
import { BULK_TASKS_MAX, CONSENT_CHANNELS, QUADRANTS, QUADRANTS_OR_NONE, RFM_SEGMENTS, STAGES } from '../enums';
import { CSV, dataOf, dateTime, endpoint, exportQuery, flag, id, idParams, idText, isoDate, pageOf, pageQuery, refText } from './http';
import { clvBasisSchema, scoreFields } from './values';

/** Customer list, profile, CSV export, bulk follow-up tasks and manual tagging. */

const score = z.coerce.number().int().min(1).max(5);

/**
 * Which customers a list, an export, a bulk task or a bulk tag covers: search; stage, region
 * (exact), a tag they carry now (slug or id), their owner (admin user id) and a segment's current
 * members (id or key, among the segments the caller may see); and the value-chart drill-downs — a quadrant / RFM segment / R / F / M score (scatter point, value card), buyers only (`hasOrders`, the
 * heatmap counts buyers), and a migration-matrix cell (`movedFrom` → `movedTo` between two value
 * runs, by default the two latest), and the retention KPI's drill-down (`retained`).
 */
const filterFields = z.object({
  q: z.string().trim().max(100).optional(),
  stage: z.enum(STAGES).optional(),
  region: z.string().trim().min(1).max(100).optional(),
  tag: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-_]*$/, 'a tag slug or id')
    .optional(),
  owner: idText.optional(),
  segment: refText.optional(),
  quadrant: z.enum(QUADRANTS).optional(),
  rfmSegment: z.enum(RFM_SEGMENTS).optional(),
  r: score.optional(),
  f: score.optional(),
  m: score.optional(),
  hasOrders: flag.optional(),
  movedFrom: z.enum(QUADRANTS_OR_NONE).optional(),
  movedTo: z.enum(QUADRANTS_OR_NONE).optional(),
  fromRun: idText.optional(),
  toRun: idText.optional(),
  /** The retention KPI's customers (overview/retention.ts): active in the 30 days before the last 30, and again since (true) or not (false). */
  retained: flag.optional(),
});

export type CustomerFilter = z.infer<typeof filterFields>;

const checkFilter = (f: CustomerFilter, ctx: z.RefinementCtx) => {
  if ((f.movedFrom === undefined) !== (f.movedTo === undefined)) {
    const missing = f.movedFrom === undefined ? 'movedFrom' : 'movedTo';
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: `${missing} is required with ${missing === 'movedFrom' ? 'movedTo' : 'movedFrom'}` });
  }
  if (f.movedFrom === 'none' && f.movedTo === 'none')
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['movedTo'], message: 'movedFrom and movedTo cannot both be "none"' });
  for (const key of ['fromRun', 'toRun'] as const) {
    if (f[key] !== undefined && f.movedFrom === undefined)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} only applies with movedFrom and movedTo` });
  }
};

/** What the list sorts by (`sort=field:asc|desc`); ties go newest customer first. */
export const CUSTOMER_SORTS = ['name', 'totalSpent', 'customerSince', 'lastActivity'] as const;
export type CustomerSort = { field: (typeof CUSTOMER_SORTS)[number]; direction: 'asc' | 'desc' };
const SORT_VALUES = CUSTOMER_SORTS.flatMap((f) => [`${f}:asc`, `${f}:desc`]);
const sortSchema = z
  .string()
  .refine((v) => SORT_VALUES.includes(v), `sort must be one of ${CUSTOMER_SORTS.join(', ')}, followed by :asc or :desc`)
  .transform((v): CustomerSort => {
    const [field, direction] = v.split(':');
    return { field: field as CustomerSort['field'], direction: direction as CustomerSort['direction'] };
  });

/** GET /customers: the filter, a sort and a page (unknown query parameters are ignored). */
export const customerListQuerySchema = filterFields.extend({ ...pageQuery(100, 20), sort: sortSchema.optional() }).superRefine(checkFilter);

/** POST /customers/export: exactly the list's filter (no page: every matching customer). */
export const customerExportBodySchema = filterFields.strict().superRefine(checkFilter);

/** Bulk follow-up tasks are created one per customer, for lists up to this size. */
export const FOLLOW_UP_MAX = BULK_TASKS_MAX;

/** POST /customers/follow-up-tasks: one open follow-up task per customer of the filtered list. */
export const followUpBodySchema = z
  .object({
    filter: customerExportBodySchema.default({}),
    title: z.string().trim().min(1, 'a title is required').max(200),
    dueAt: dateTime.nullable().optional(),
  })
  .strict();

export const assignTagBodySchema = z.object({ tagId: id, expiresAt: dateTime.nullable().optional() }).strict();

/** Contact data arrives masked without `sensitive.view`. */
const contactFields = {
  id: z.number(),
  documentId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  region: z.string().nullable(),
};

export const customerRowSchema = z.object({
  ...contactFields,
  stage: z.string().nullable(),
  createdAt: isoDate.nullable(),
  totalSpent: z.number(),
  orderCount: z.number(),
  /** The later of the last paid order and the last interaction. */
  lastActivityAt: isoDate.nullable(),
  quadrant: z.string().nullable(),
  r: z.number().nullable(),
  f: z.number().nullable(),
  m: z.number().nullable(),
});

/** One channel's consent: granted or withdrawn (null: never recorded, which does not allow contact), when and from what source. */
export const consentSchema = z.object({
  channel: z.enum(CONSENT_CHANNELS),
  granted: z.boolean().nullable(),
  at: isoDate.nullable(),
  source: z.string().nullable(),
  /** The admin user who recorded it (null: imported or never recorded). */
  recordedBy: z.number().nullable(),
});

/** Recording a customer's consent on one channel: granted or withdrawn, and where it came from (a form, a call, an email). */
export const setConsentBodySchema = z
  .object({ granted: z.boolean({ invalid_type_error: 'true or false' }), source: z.string().trim().min(1, 'must not be empty').max(100) })
  .strict();

const personSchema = z.object({ id: z.number(), name: z.string().nullable(), stage: z.string().nullable() });

export const profileSchema = z.object({
  customer: z.object({
    ...contactFields,
    language: z.string().nullable(),
    education: z.string().nullable(),
    targetMajor: z.string().nullable(),
    program: z.string().nullable(),
    stage: z.string().nullable(),
    leadSource: z.string().nullable(),
    notes: z.string().nullable(),
    createdAt: isoDate.nullable(),
    ownerId: z.number().nullable(),
  }),
  /** Contact data is masked (no `sensitive.view`). */
  masked: z.boolean(),
  referrer: personSchema.nullable(),
  referrals: z.array(personSchema),
  family: z.array(personSchema),
  tags: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      slug: z.string(),
      category: z.string(),
      color: z.string().nullable(),
      source: z.string(),
      expiresAt: isoDate.nullable(),
      createdAt: isoDate.nullable(),
    })
  ),
  timeline: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('interaction'), id: z.number(), type: z.string(), channel: z.string().nullable(), at: isoDate.nullable() }),
      z.object({
        kind: z.literal('order'),
        id: z.number(),
        type: z.string(),
        status: z.string(),
        amount: z.number(),
        currency: z.string(),
        at: isoDate.nullable(),
      }),
    ])
  ),
  metrics: z
    .object({
      orderCount: z.number(),
      totalSpent: z.number(),
      avgOrderValue: z.number().nullable(),
      lastOrderAt: isoDate.nullable(),
      lastInteractionAt: isoDate.nullable(),
      contractEndAt: isoDate.nullable(),
      overdueAmount: z.number(),
      referralCount: z.number(),
      complaintCount: z.number(),
    })
    .nullable(),
  /** Consent per channel (every channel of CONSENT_CHANNELS, in that order). */
  consent: z.array(consentSchema),
  /** `clvBasis`: what `clv` measures (the scoring run's horizon, margin rate, discount). */
  scores: z.object({ ...scoreFields, clvBasis: clvBasisSchema.nullable(), calculatedAt: isoDate.nullable() }).nullable(),
});

export const customersApi = {
  list: endpoint({ method: 'GET', path: '/customers', query: customerListQuerySchema, response: pageOf(customerRowSchema) }),
  export: endpoint({ method: 'POST', path: '/customers/export', query: exportQuery, body: customerExportBodySchema, response: CSV }),
  followUpTasks: endpoint({
    method: 'POST',
    path: '/customers/follow-up-tasks',
    body: followUpBodySchema,
    response: dataOf(z.object({ created: z.number() })),
  }),
  profile: endpoint({ method: 'GET', path: '/customers/:id', params: idParams, response: dataOf(profileSchema), audit: 'sensitive' }),
  addTag: endpoint({
    method: 'POST',
    path: '/customers/:id/tags',
    params: idParams,
    body: assignTagBodySchema,
    response: dataOf(z.object({ customerId: z.number(), tagId: z.number(), expiresAt: isoDate.nullable().optional() })),
  }),
  /** Records consent on one channel; answers every channel's consent. */
  setConsent: endpoint({
    method: 'PUT',
    path: '/customers/:id/consent/:channel',
    params: z.object({ id: idText, channel: z.enum(CONSENT_CHANNELS) }),
    body: setConsentBodySchema,
    response: dataOf(z.array(consentSchema)),
  }),
  removeTag: endpoint({
    method: 'DELETE',
    path: '/customers/:id/tags/:tagId',
    params: z.object({ id: idText, tagId: idText }),
    response: dataOf(z.object({ removed: z.number() })),
  }),
};

export type CustomerRow = z.infer<typeof customerRowSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type Consent = z.infer<typeof consentSchema>;
