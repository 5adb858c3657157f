import { z } from 'zod';
import { WARNING_CODES, WARNING_KINDS } from '../enums';
import { fieldErrorSchema } from '../errors';
import { dataOf, dateTime, endpoint, id, noQuery, type ResponseOf } from './http';

/** The rule language's endpoints: field catalogue, validation and live preview (nothing is stored). */

export const labelsSchema = z.object({ en: z.string(), 'zh-Hans': z.string(), zh: z.string() });

export const fieldDefSchema = z.object({
  /** e.g. "metrics.total_spent": what `{"var": ...}` reads. */
  path: z.string(),
  group: z.enum(['customer', 'metrics', 'score']),
  type: z.enum(['string', 'number', 'enum', 'datetime']),
  labels: labelsSchema,
  operators: z.array(z.string()),
  enumValues: z.array(z.string()).optional(),
  /** Contact data: masked for roles without the sensitive-view permission. */
  sensitive: z.boolean().optional(),
  /** Encrypted at rest: compared whole through a keyed hash (==, !=, in a list; case and punctuation ignored), never searched for text. */
  encrypted: z.boolean().optional(),
  /** Whole numbers only (literals must be integers too). */
  integer: z.boolean().optional(),
  /** A count or sum: 0, never null, when there is nothing to count (no metrics row). */
  count: z.boolean().optional(),
});

export const operatorDefSchema = z.object({
  name: z.string(),
  labels: labelsSchema,
  /** Short description of the argument form, e.g. `{"event_count": [type, days|null]}`. */
  form: z.string(),
  returns: z.enum(['boolean', 'number']),
});

export const ruleLimitsSchema = z.object({ maxDepth: z.number(), maxNodes: z.number(), maxListLength: z.number() });

export const catalogueSchema = z.object({
  fields: z.array(fieldDefSchema),
  operators: z.array(operatorDefSchema),
  eventTypes: z.array(z.string()),
  orderKinds: z.array(z.string()),
  orderStatuses: z.array(z.string()),
  limits: ruleLimitsSchema,
});

/**
 * A condition named in a warning, as data (the admin words it with the catalogue's labels):
 * what it reads (`subject`, with `path` for a field, `eventType`/`days` for a behaviour count),
 * its operator and its literals (datetimes as ISO text); `group` stands for a whole and/or branch.
 */
export const warningConditionSchema = z.object({
  subject: z.enum(['field', 'days_since', 'event_count', 'order_count', 'order_total', 'tag', 'segment', 'group']),
  path: z.string().optional(),
  eventType: z.string().optional(),
  days: z.number().nullable().optional(),
  /** A comparison operator, `has_tag`, `in_segment`, or `and`/`or` for a group. */
  op: z.string(),
  values: z.array(z.union([z.string(), z.number(), z.null()])),
  not: z.boolean(),
  /** Conditions in a group. */
  size: z.number().optional(),
});

/**
 * `path` is a JSON pointer into the rule (the endpoints answer it under `/rule`). `code` and
 * `params` say what the warning is about for the admin to word in the user's language;
 * `message` and `suggestion` are the same in English for API clients.
 */
export const ruleWarningSchema = z.object({
  path: z.string(),
  kind: z.enum(WARNING_KINDS),
  code: z.enum(WARNING_CODES),
  params: z.object({
    /** The conditions concerned, in the order of `conditions`. */
    conditions: z.array(warningConditionSchema).optional(),
    /** The existing segment a `duplicate` repeats. */
    segment: z.object({ key: z.string(), name: z.string() }).optional(),
  }),
  message: z.string(),
  suggestion: z.string().optional(),
  conditions: z.array(z.string()).optional(),
});

export const previewSampleSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  stage: z.string(),
  total_spent: z.number(),
  last_order_at: z.string().nullable(),
});

export const previewScopeSchema = z.object({ parent: z.object({ id: z.number(), key: z.string(), name: z.string() }) });

export const previewResultSchema = z.object({
  count: z.number(),
  total: z.number(),
  share: z.number(),
  sample: z.array(previewSampleSchema),
  riskDistribution: z.object({ low: z.number(), medium: z.number(), high: z.number() }),
  /** `scores` when every match has a churn score, `tags` when none has, `mixed` otherwise. */
  riskBasis: z.object({ basis: z.enum(['scores', 'tags', 'mixed']), scored: z.number(), fallback: z.number(), method: z.string() }),
  warnings: z.array(ruleWarningSchema),
  now: z.string(),
  /** How the custom operators were evaluated. */
  strategy: z.enum(['join', 'probe']),
  /** The parent segment a child's rule was previewed within (counted as `parent's rules AND rule`), null for a root. */
  scope: previewScopeSchema.nullable(),
  durationMs: z.number(),
});

export const PREVIEW_MAX_SAMPLE_SIZE = 200;

/** Body of preview and validate; the rule itself is checked by the rule validator (pointers under /rule). */
export const ruleRequestSchema = z
  .object({
    rule: z.unknown().refine((v) => v !== undefined, { message: 'a rule is required' }),
    now: dateTime.optional(),
    sampleSize: z.number().int().min(0).max(PREVIEW_MAX_SAMPLE_SIZE).optional(),
    /** When editing a segment: leave it out of the duplicate check (and, in a preview, count it within its stored parent). */
    segmentId: id.optional(),
  })
  .strict();

/** Body of preview: a child segment's rule is counted within its parent chain, as its runs materialise it. */
export const previewRequestSchema = ruleRequestSchema.extend({
  /** Preview as a child of this segment (id, document id or key): within its and its ancestors' rules; null: as a root. */
  parent: z
    .union([id, z.string().trim().min(1).max(100)])
    .nullable()
    .optional(),
});

export const rulesApi = {
  catalogue: endpoint({ method: 'GET', path: '/catalogue', query: noQuery, response: dataOf(catalogueSchema) }),
  preview: endpoint({ method: 'POST', path: '/rules/preview', body: previewRequestSchema, response: dataOf(previewResultSchema) }),
  validate: endpoint({
    method: 'POST',
    path: '/rules/validate',
    body: ruleRequestSchema,
    // A refused rule is a 400; an accepted one comes back with its warnings.
    response: dataOf(z.object({ valid: z.literal(true), errors: z.array(fieldErrorSchema).max(0), warnings: z.array(ruleWarningSchema) })),
  }),
};

export type Labels = z.infer<typeof labelsSchema>;
export type FieldDef = z.infer<typeof fieldDefSchema>;
export type OperatorDef = z.infer<typeof operatorDefSchema>;
export type RuleLimits = z.infer<typeof ruleLimitsSchema>;
export type Catalogue = z.infer<typeof catalogueSchema>;
export type RuleWarning = z.infer<typeof ruleWarningSchema>;
export type WarningCondition = z.infer<typeof warningConditionSchema>;
export type PreviewResult = z.infer<typeof previewResultSchema>;
export type PreviewSample = z.infer<typeof previewSampleSchema>;
export type PreviewScope = z.infer<typeof previewScopeSchema>;
export type ValidateResult = ResponseOf<typeof rulesApi.validate>['data'];
