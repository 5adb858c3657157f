import { z } from 'zod';

/** Request bodies and queries of the segment endpoints (validated at the controller edge). */
const ref = z.union([z.number().int().positive(), z.string().min(1).max(100)]);

const fields = {
  name: z.string().trim().min(1).max(200),
  key: z.string().regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only').max(100),
  description: z.string().max(5000).nullable(),
  type: z.enum(['dynamic', 'static']),
  rule: z.unknown().refine((v) => v !== undefined && v !== null, 'a rule is required'),
  status: z.enum(['active', 'inactive', 'draft']),
  priority: z.number().int().min(0).max(1_000_000),
  parent: ref.nullable(),
  /** `daily`, `weekly`, `monthly` or a cron expression; null removes the schedule. */
  schedule: z.string().trim().min(1).max(100).nullable(),
  timezone: z.string().min(1).max(64),
  visibility: z.enum(['private', 'team', 'global']),
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
    visibility: fields.visibility.default('team'),
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

export const pageSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const membersQuerySchema = pageSchema.extend({ change: z.enum(['added', 'removed', 'kept']).optional() });
export const resultsQuerySchema = pageSchema.extend({ segment: z.string().min(1).max(100).optional() });
export const exportSchema = z.object({ change: z.enum(['added', 'removed', 'kept']).optional() }).strict();
export const primaryQuerySchema = z.object({
  customerIds: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated customer ids')
    .transform((s) => s.split(',').map(Number))
    .refine((ids) => ids.length <= 1000, 'at most 1000 ids'),
});

export type CreateSegmentInput = z.infer<typeof createSegmentSchema>;
export type UpdateSegmentInput = z.infer<typeof updateSegmentSchema>;

/** zod issues as `{ path, message }` with JSON-pointer paths. */
export const zodErrors = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: `/${i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`, message: i.message }));
