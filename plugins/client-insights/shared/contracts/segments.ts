import { z } from 'zod';
import { JOB_ERROR_CODES, JOB_STATUSES, MEMBER_CHANGES, RUN_PHASES, RUN_TRIGGERS, SEGMENT_STATUSES, SEGMENT_TYPES, VISIBILITIES } from '../enums';
import { CSV, dataOf, endpoint, exportQuery, id, isoDate, MAX_ID, noBody, noQuery, pageOf, pageQuery, paginationSchema, refParams } from './http';
import { ruleWarningSchema } from './rules';

/** Segments: CRUD, execution (runs, members, exports), hierarchy and primary segments. */

/** Another segment, by id, documentId or key. */
const segmentRef = z.union([id, z.string().min(1).max(100)]);

const fields = {
  name: z.string().trim().min(1).max(200),
  key: z
    .string()
    .regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only')
    .max(100),
  description: z.string().max(5000).nullable(),
  type: z.enum(SEGMENT_TYPES),
  rule: z.unknown().refine((v) => v !== undefined && v !== null, 'a rule is required'),
  status: z.enum(SEGMENT_STATUSES),
  priority: z.number().int().min(0).max(1_000_000),
  parent: segmentRef.nullable(),
  /** `daily`, `weekly`, `monthly` or a cron expression; null removes the schedule. */
  schedule: z.string().trim().min(1).max(100).nullable(),
  timezone: z.string().min(1).max(64),
  visibility: z.enum(VISIBILITIES),
};

export const createSegmentSchema = z
  .object({
    ...fields,
    key: fields.key.optional(),
    description: fields.description.optional(),
    type: fields.type.default('dynamic'),
    status: fields.status.default('active'),
    priority: fields.priority.default(100),
    parent: fields.parent.optional(),
    schedule: fields.schedule.optional(),
    timezone: fields.timezone.optional(),
    visibility: fields.visibility.default('global'),
    /** Materialise a dynamic segment right away (a static one always is). */
    execute: z.boolean().optional(),
  })
  .strict();

export const updateSegmentSchema = z
  .object({
    name: fields.name,
    description: fields.description,
    type: fields.type,
    rule: fields.rule,
    status: fields.status,
    priority: fields.priority,
    parent: fields.parent,
    schedule: fields.schedule,
    timezone: fields.timezone,
    visibility: fields.visibility,
  })
  .partial()
  .strict();

export const executeSchema = z
  .object({
    /** false: answer 202 at once with the queued run; poll the result for phase and progress. */
    wait: z.boolean().default(true),
    /** Required to re-freeze a static segment's membership. */
    snapshot: z.boolean().default(false),
  })
  .strict();

const change = z.enum(MEMBER_CHANGES);
export const segmentPageSchema = z.object(pageQuery(500, 50));
/** The list, narrowed by any part of the name (case-insensitive) and by type: the pickers search it as the user types. */
export const segmentListQuerySchema = segmentPageSchema.extend({ q: z.string().trim().max(100).optional(), type: z.enum(SEGMENT_TYPES).optional() });
export const membersQuerySchema = segmentPageSchema.extend({ change: change.optional() });
export const resultsQuerySchema = segmentPageSchema.extend({ segment: z.string().min(1).max(100).optional() });
export const exportSchema = z.object({ change: change.optional() }).strict();
export const primaryQuerySchema = z.object({
  customerIds: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated customer ids')
    .transform((s) => s.split(',').map(Number))
    .refine((ids) => ids.length <= 1000, 'at most 1000 ids')
    .refine((ids) => ids.every((n) => n <= MAX_ID), `ids are at most ${MAX_ID}`),
});

export type CreateSegmentInput = z.infer<typeof createSegmentSchema>;
export type UpdateSegmentInput = z.infer<typeof updateSegmentSchema>;

/** A run of a segment, shaped like the requirement's SegmentResult; a job of the one job model (enums.ts). */
export const segmentResultSchema = z.object({
  executionId: z.string(),
  runId: z.number(),
  segmentId: z.number(),
  trigger: z.enum(RUN_TRIGGERS),
  status: z.enum(JOB_STATUSES),
  phase: z.enum(RUN_PHASES),
  /** Fraction done, 0..1. */
  progress: z.number().min(0).max(1),
  /** A cancel was requested (a running run ends `cancelled` at its next phase). */
  cancelRequested: z.boolean(),
  attempts: z.number(),
  createdAt: isoDate,
  executedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  /** Milliseconds. */
  executionTime: z.number().nullable(),
  customerCount: z.number().nullable(),
  /** Customers skipped for incomplete facts (the run is then `partial`). */
  skipped: z.number().nullable(),
  changes: z.object({ added: z.number(), removed: z.number(), kept: z.number() }).nullable(),
  statistics: z.object({ avgOrderValue: z.number().nullable(), totalRevenue: z.number(), orderCount: z.number(), churnRate: z.number().nullable() }).nullable(),
  /** Why the run failed, in words; never SQL or server detail (logged under a reference instead). */
  error: z.string().nullable(),
  errorCode: z.enum(JOB_ERROR_CODES).nullable(),
  scheduleSlot: z.string().nullable(),
  /** host:pid of the process that executed it. */
  node: z.string().nullable(),
});

export const segmentSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(SEGMENT_TYPES),
  rule: z.unknown(),
  status: z.enum(SEGMENT_STATUSES),
  priority: z.number(),
  parentId: z.number().nullable(),
  ownerId: z.number().nullable(),
  visibility: z.enum(VISIBILITIES),
  schedule: z.object({ cron: z.string(), timezone: z.string() }).nullable(),
  memberCount: z.number(),
  lastCalculatedAt: isoDate.nullable(),
});

/** One segment with its current membership's run (null before the first). */
export const segmentDetailSchema = segmentSchema.extend({ currentResult: segmentResultSchema.nullable() });

/** A created or updated segment with its saved rule's warnings (as a preview's, the segment itself left out of `duplicate`). */
export const savedSegmentSchema = segmentDetailSchema.extend({ warnings: z.array(ruleWarningSchema) });

export const memberSchema = z.object({
  id: z.number(),
  documentId: z.string().nullable(),
  name: z.string().nullable(),
  region: z.string().nullable(),
  stage: z.string().nullable(),
  leadSource: z.string().nullable(),
  totalSpent: z.number(),
  orderCount: z.number(),
  lastOrderAt: isoDate.nullable(),
});

export type TreeNode = {
  id: number;
  documentId: string;
  key: string;
  name: string;
  type: (typeof SEGMENT_TYPES)[number];
  status: (typeof SEGMENT_STATUSES)[number];
  memberCount: number;
  depth: number;
  /** Keys from the root down to this segment. */
  path: string[];
  children: TreeNode[];
};
export const treeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    id: z.number(),
    documentId: z.string(),
    key: z.string(),
    name: z.string(),
    type: z.enum(SEGMENT_TYPES),
    status: z.enum(SEGMENT_STATUSES),
    memberCount: z.number(),
    depth: z.number(),
    path: z.array(z.string()),
    children: z.array(treeNodeSchema),
  })
);

export const segmentsApi = {
  list: endpoint({ method: 'GET', path: '/segments', query: segmentListQuerySchema, response: pageOf(segmentSchema) }),
  create: endpoint({ method: 'POST', path: '/segments', body: createSegmentSchema, wrappedBody: true, response: dataOf(savedSegmentSchema), statuses: [201] }),
  tree: endpoint({ method: 'GET', path: '/segments/tree', query: noQuery, response: dataOf(z.array(treeNodeSchema)) }),
  primary: endpoint({
    method: 'GET',
    path: '/segments/primary',
    query: primaryQuerySchema,
    response: dataOf(
      z.array(z.object({ customerId: z.number(), segment: z.object({ id: z.number(), key: z.string(), name: z.string(), priority: z.number() }).nullable() }))
    ),
  }),
  results: endpoint({ method: 'GET', path: '/segments/results', query: resultsQuerySchema, response: pageOf(segmentResultSchema) }),
  result: endpoint({ method: 'GET', path: '/segments/results/:id', params: refParams, response: dataOf(segmentResultSchema) }),
  /**
   * Cancels a run: 200 with it `cancelled` (it was queued), 202 with it still `running` and
   * `cancelRequested` (it stops at its next phase, its membership rolled back), 409 once finished.
   */
  cancelRun: endpoint({
    method: 'POST',
    path: '/segments/results/:id/cancel',
    params: refParams,
    body: noBody,
    response: dataOf(segmentResultSchema),
    statuses: [200, 202],
  }),
  resultCustomers: endpoint({
    method: 'GET',
    path: '/segments/results/:id/customers',
    params: refParams,
    query: membersQuerySchema,
    response: pageOf(memberSchema),
  }),
  exportResult: endpoint({
    method: 'POST',
    path: '/segments/results/:id/export',
    params: refParams,
    query: exportQuery,
    body: exportSchema,
    wrappedBody: true,
    response: CSV,
  }),
  get: endpoint({ method: 'GET', path: '/segments/:id', params: refParams, response: dataOf(segmentDetailSchema) }),
  update: endpoint({
    method: 'PUT',
    path: '/segments/:id',
    params: refParams,
    body: updateSegmentSchema,
    wrappedBody: true,
    response: dataOf(savedSegmentSchema),
  }),
  remove: endpoint({ method: 'DELETE', path: '/segments/:id', params: refParams, response: dataOf(segmentSchema) }),
  /** 200 with the finished run (wait), 202 with the queued one, or null when a run is already going. */
  execute: endpoint({
    method: 'POST',
    path: '/segments/:id/execute',
    params: refParams,
    body: executeSchema,
    wrappedBody: true,
    response: dataOf(segmentResultSchema.nullable()),
    statuses: [200, 202],
  }),
  currentCustomers: endpoint({
    method: 'GET',
    path: '/segments/:id/customers',
    params: refParams,
    query: segmentPageSchema,
    response: z.object({
      data: z.array(memberSchema),
      meta: z.object({ pagination: paginationSchema, calculated: z.boolean(), runId: z.number().optional() }),
    }),
  }),
};

export type Segment = z.infer<typeof segmentSchema>;
export type SegmentDetail = z.infer<typeof segmentDetailSchema>;
export type SegmentResult = z.infer<typeof segmentResultSchema>;
export type Member = z.infer<typeof memberSchema>;
