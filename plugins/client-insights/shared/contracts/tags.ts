import { z } from 'zod';
import { TAG_CATEGORIES, TAG_RULE_PHASES, TAG_RULE_TRIGGERS, VISIBILITIES } from '../enums';
import { customerExportBodySchema } from './customers';
import { jobSchemaOf } from './jobs';
import { dataOf, dateTime, endpoint, id, idParams, noBody } from './http';

/** Tag center: the four categories, merge, bulk apply and auto-tag rules. */

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-_]*$/, 'lower-case letters, digits, - and _ only')
  .max(100);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #aabbcc');

const tagFields = {
  name: z.string().trim().min(1).max(100),
  slug,
  category: z.enum(TAG_CATEGORIES),
  description: z.string().max(2000).nullable(),
  color: color.nullable(),
  /** An auto-tagging rule (the rule language), or null for a manual tag. */
  rule: z.unknown().nullable(),
  visibility: z.enum(VISIBILITIES),
};

export const createTagSchema = z
  .object({
    ...tagFields,
    slug: slug.optional(),
    description: tagFields.description.optional(),
    color: tagFields.color.optional(),
    rule: tagFields.rule.optional(),
    visibility: tagFields.visibility.default('global'),
  })
  .strict();

export const updateTagSchema = z.object(tagFields).omit({ slug: true }).partial().strict();

export const mergeTagsSchema = z
  .object({ source: id, target: id })
  .strict()
  .refine((b) => b.source !== b.target, { message: 'source and target must be different tags', path: ['target'] });

export const bulkTagSchema = z
  .object({
    action: z.enum(['apply', 'remove']),
    /** A segment (id or key): its current members. */
    segment: z.union([id, z.string().min(1).max(100)]).optional(),
    /** Customer ids; ids that name no customer are answered in `missing` (the others are still tagged). */
    customerIds: z.array(id).min(1).max(100_000).optional(),
    /** The customer list's filter (shared/contracts/customers.ts): every customer the list shows. */
    filter: customerExportBodySchema.optional(),
    expiresAt: dateTime.nullable().optional(),
  })
  .strict()
  .refine((b) => [b.segment, b.customerIds, b.filter].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of segment, customerIds or filter',
    path: ['segment'],
  });

/** `affected`: assignments added or removed; `missing`: the given customer ids that name no customer (sorted; empty otherwise). */
export const bulkResultSchema = z.object({ affected: z.number(), missing: z.array(z.number()) });

export const tagListQuerySchema = z.object({
  category: z.enum(TAG_CATEGORIES).optional(),
  q: z.string().max(100).optional(),
});

export const ruleRunSchema = z.object({ at: z.string(), matched: z.number(), added: z.number(), removed: z.number(), durationMs: z.number() });

/** One application of a tag's auto rule, as its log keeps it (newest first). `customers`: how many were re-evaluated (null: all). */
export const ruleLogEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  trigger: z.enum(TAG_RULE_TRIGGERS),
  customers: z.number().nullable(),
  matched: z.number(),
  added: z.number(),
  removed: z.number(),
  durationMs: z.number(),
});

export const ruleLogQuerySchema = z
  .object({
    limit: z.coerce.number({ invalid_type_error: 'a number from 1 to 200' }).int('a whole number').min(1).max(200).optional(),
    trigger: z.enum(TAG_RULE_TRIGGERS).optional(),
  })
  .strict();

/** A run of a tag's auto rule, as a tracked job. */
export const tagRuleJobSchema = jobSchemaOf(TAG_RULE_PHASES);

export const tagSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  name: z.string(),
  slug: z.string(),
  category: z.enum(TAG_CATEGORIES),
  description: z.string().nullable(),
  color: z.string().nullable(),
  rule: z.unknown(),
  visibility: z.enum(VISIBILITIES),
  /** Customers carrying it now (unexpired assignments). */
  usage: z.number(),
  lastRun: ruleRunSchema.nullable(),
});

export const tagsApi = {
  list: endpoint({ method: 'GET', path: '/tags', query: tagListQuerySchema, response: dataOf(z.array(tagSchema)) }),
  create: endpoint({ method: 'POST', path: '/tags', body: createTagSchema, response: dataOf(tagSchema), statuses: [201] }),
  merge: endpoint({ method: 'POST', path: '/tags/merge', body: mergeTagsSchema, response: dataOf(z.object({ moved: z.number(), target: tagSchema })) }),
  get: endpoint({ method: 'GET', path: '/tags/:id', params: idParams, response: dataOf(tagSchema) }),
  update: endpoint({ method: 'PUT', path: '/tags/:id', params: idParams, body: updateTagSchema, response: dataOf(tagSchema) }),
  bulk: endpoint({ method: 'POST', path: '/tags/:id/bulk', params: idParams, body: bulkTagSchema, response: dataOf(bulkResultSchema) }),
  /** 202 with the run's job (jobs.ts; its result a RuleRun once it succeeds); `started: false` when one was already going for this tag. */
  runRule: endpoint({
    method: 'POST',
    path: '/tags/:id/run-rule',
    params: idParams,
    body: noBody,
    response: dataOf(tagRuleJobSchema.extend({ started: z.boolean() })),
    statuses: [202],
  }),
  /** The tag's auto-rule log: its latest applications (data change, schedule, manual), newest first. */
  ruleLog: endpoint({ method: 'GET', path: '/tags/:id/rule-log', params: idParams, query: ruleLogQuerySchema, response: dataOf(z.array(ruleLogEntrySchema)) }),
};

export type Tag = z.infer<typeof tagSchema>;
export type RuleRun = z.infer<typeof ruleRunSchema>;
export type TagRuleJob = z.infer<typeof tagRuleJobSchema>;
export type RuleLogEntry = z.infer<typeof ruleLogEntrySchema>;
