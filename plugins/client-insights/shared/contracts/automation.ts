import { z } from 'zod';
import { ACTION_TYPES, AUTOMATION_EVENTS, AUTOMATION_LOG_STATUSES, AUTOMATION_STATUSES, SKIP_REASONS, TRIGGER_TYPES } from '../enums';
import { automationDefinitionSchema, eventFiltersSchema } from './automation-definition';
import { dataOf, dateTime, endpoint, flag, id, idText, isoDate, noBody, noQuery, pageOf, pageQuery } from './http';
import { approvalSchema, approvalText } from './approvals';
import { labelsSchema } from './rules';

/**
 * Automation's endpoints and answers (the definition itself: automation-definition.ts).
 * The endpoints are declared below the shared answer schemas.
 */

/** One step as the test mode would run it for one customer. */
export const testStepSchema = z.object({
  path: z.string(),
  kind: z.enum(['action', 'wait', 'wait_until', 'if']),
  action: z.enum(ACTION_TYPES).nullable(),
  /** When it would run (after the waits before it, quiet hours applied). */
  at: isoDate.nullable(),
  /** Would it run, or why not. */
  outcome: z.enum(['run', 'skipped', 'branch_then', 'branch_else', 'wait']),
  reason: z.enum(SKIP_REASONS).nullable(),
  /** What it would send (email subject/body, webhook body …). */
  rendered: z
    .object({
      /** One line, in English (for integrators); `summaryText` in the admin's languages. */
      summary: z.string(),
      summaryText: labelsSchema,
      to: z.string().nullable().optional(),
      subject: z.string().optional(),
      text: z.string().optional(),
      html: z.string().optional(),
      payload: z.unknown().optional(),
    })
    .nullable(),
});

/** A condition's value for the customer, with the facts it read (the explanation). */
export const conditionExplanationSchema = z.object({ pointer: z.string(), text: z.string(), value: z.boolean(), facts: z.record(z.unknown()) });

export const automationTestResultSchema = z.object({
  customerId: z.number(),
  triggerMatches: z.boolean(),
  /** Why the trigger matches or not, in English (for integrators). */
  triggerExplanation: z.string(),
  /** The same sentence in the admin's languages (dates in the customer's time zone in Chinese). */
  triggerExplanationText: labelsSchema,
  conditionsPass: z.boolean(),
  conditions: z.array(conditionExplanationSchema),
  /** Guard rails that would stop it now (re-entry, consent, churned …), empty when none. */
  blockedBy: z.array(z.enum(SKIP_REASONS)),
  steps: z.array(testStepSchema),
  /** The customer's time zone (theirs or the configured default): the steps' times are shown in it. Null without a customer. */
  timezone: z.string().nullable(),
});

/** Over a segment (or everyone the trigger may reach): who would be reached today. */
export const automationForecastSchema = z.object({
  candidates: z.number(),
  wouldFire: z.number(),
  suppressed: z.record(z.enum(SKIP_REASONS), z.number()),
  holdout: z.number(),
});

export const automationLogSchema = z.object({
  id: z.number(),
  ruleDoc: z.string(),
  version: z.number(),
  occurrenceId: z.number().nullable(),
  customerId: z.number().nullable(),
  triggerKey: z.string().nullable(),
  stepPath: z.string().nullable(),
  action: z.enum(ACTION_TYPES).nullable(),
  channel: z.string().nullable(),
  status: z.enum(AUTOMATION_LOG_STATUSES),
  reason: z.enum(SKIP_REASONS).nullable(),
  attempts: z.number(),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
  idemKey: z.string().nullable(),
  test: z.boolean(),
  createdAt: isoDate,
});

export type AutomationTestResult = z.infer<typeof automationTestResultSchema>;
export type AutomationTestStep = z.infer<typeof testStepSchema>;
export type AutomationForecast = z.infer<typeof automationForecastSchema>;
export type AutomationLog = z.infer<typeof automationLogSchema>;

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

/** A rule in a path: the AutomationRule's documentId (stable across edits and versions). */
export const ruleDocText = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'a rule documentId');
export const ruleParams = z.object({ id: ruleDocText });

const ruleName = z.string().trim().min(1).max(200);

/** A new rule: its name and its definition (automation-definition.ts), flat: errors point at /trigger, /conditions, /steps/2/rule … */
export const createRuleSchema = automationDefinitionSchema.extend({ name: ruleName });

/** A change: any of name, trigger, conditions, steps, guard; the result is validated whole. */
export const updateRuleSchema = z
  .object({
    name: ruleName,
    trigger: z.unknown(),
    conditions: z.unknown(),
    steps: z.unknown(),
    guard: z.unknown(),
  })
  .partial()
  .strict();

export const ruleListQuerySchema = z.object({ status: z.enum(AUTOMATION_STATUSES).optional(), ...pageQuery(100, 20) }).strict();

export const submitRuleSchema = z.object({ reason: approvalText }).strict();

export const testRuleSchema = z.object({ customerId: id, now: dateTime.optional() }).strict();
/** Forecast over a segment (a schedule trigger's own segment wins; none: every customer). */
export const forecastRuleSchema = z.object({ segmentId: id.optional() }).strict();
/** "Send a test to me": the rule's emails rendered with this customer's data, sent to the caller. */
export const sendTestSchema = z.object({ customerId: id }).strict();
export const sendTestResultSchema = z.object({
  to: z.string(),
  emails: z.array(z.object({ path: z.string(), status: z.enum(['sent', 'failed']), detail: z.string().nullable() })),
});

/** Why a rule needs approval to run (empty: low risk, an automation.manage holder activates it). */
export const RISK_REASONS = ['external_send', 'stage_change', 'new_webhook_endpoint', 'reach'] as const;

export const ruleRiskSchema = z.object({
  highRisk: z.boolean(),
  reasons: z.array(z.enum(RISK_REASONS)),
  /** Customers it may reach in a day (segment members or the trigger's candidates; an upper bound). */
  reachEstimate: z.number(),
  reachLimit: z.number(),
});

export const ruleSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  name: z.string(),
  status: z.enum(AUTOMATION_STATUSES),
  /** The stored definition; null when what is stored no longer parses (written before these checks). */
  definition: z.unknown(),
  /** The version the engine runs now (null when not running: draft, paused, awaiting a first approval). */
  runningVersion: z.number().nullable(),
  /** The newest version written (activations). */
  latestVersion: z.number().nullable(),
  lastRunAt: isoDate.nullable(),
  createdAt: isoDate.nullable(),
  updatedAt: isoDate.nullable(),
});

export const ruleDetailSchema = ruleSchema.extend({ risk: ruleRiskSchema.nullable() });

/** A transition's answer: the rule after it, and the approval request it made (submit, editing an active high-risk rule). */
export const transitionSchema = z.object({ data: ruleDetailSchema, meta: z.object({ approval: approvalSchema.nullable(), version: z.number().nullable() }) });

export const logListQuerySchema = z
  .object({
    rule: ruleDocText.optional(),
    customerId: idText.optional(),
    status: z.enum(AUTOMATION_LOG_STATUSES).optional(),
    reason: z.enum(SKIP_REASONS).optional(),
    action: z.enum(ACTION_TYPES).optional(),
    from: dateTime.optional(),
    to: dateTime.optional(),
    /** Test-mode lines too (left out by default). */
    test: flag.optional(),
    ...pageQuery(200, 50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['to'] });

/** The period of per-rule figures (default: the last 7 days up to now). */
export const figuresQuerySchema = z
  .object({ from: dateTime.optional(), to: dateTime.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['to'] });

export const ruleFiguresSchema = z.object({
  ruleDoc: z.string(),
  from: isoDate,
  to: isoDate,
  triggered: z.number(),
  /** External sends accepted by the provider (status sent) and internal actions done (status done). */
  sent: z.number(),
  done: z.number(),
  skipped: z.number(),
  skippedByReason: z.record(z.enum(SKIP_REASONS), z.number()),
  failed: z.number(),
  dead: z.number(),
  /** (sent + done) / (sent + done + failed + dead); null when none finished. */
  successRate: z.number().nullable(),
  /** Median latency (ms) of sent and done actions; null when none. */
  medianLatencyMs: z.number().nullable(),
});

/** One event of the library, with the filters a trigger on it may use. */
export const catalogueEventSchema = z.object({
  event: z.enum(AUTOMATION_EVENTS),
  group: z.enum(['interaction', 'segment', 'tag', 'stage', 'order', 'value']),
  labels: labelsSchema,
  filters: z.array(z.enum(Object.keys(eventFiltersSchema.shape) as [keyof typeof eventFiltersSchema.shape, ...(keyof typeof eventFiltersSchema.shape)[]])),
});

export const automationCatalogueSchema = z.object({
  events: z.array(catalogueEventSchema),
  triggers: z.array(z.object({ type: z.enum(TRIGGER_TYPES), labels: labelsSchema })),
  actions: z.array(z.object({ type: z.enum(ACTION_TYPES), labels: labelsSchema, external: z.boolean() })),
  /** The date fields a date trigger can count days from (customer and metrics fields of the rule catalogue). */
  dateFields: z.array(z.object({ path: z.string(), labels: labelsSchema })),
});

const logsPage = pageOf(automationLogSchema);

export const automationApi = {
  catalogue: endpoint({ method: 'GET', path: '/automation/catalogue', query: noQuery, response: dataOf(automationCatalogueSchema) }),
  logs: endpoint({ method: 'GET', path: '/automation/logs', query: logListQuerySchema, response: logsPage }),
  list: endpoint({ method: 'GET', path: '/automation/rules', query: ruleListQuerySchema, response: pageOf(ruleSchema) }),
  create: endpoint({
    method: 'POST',
    path: '/automation/rules',
    body: createRuleSchema,
    wrappedBody: true,
    response: dataOf(ruleDetailSchema),
    statuses: [201],
  }),
  get: endpoint({ method: 'GET', path: '/automation/rules/:id', params: ruleParams, response: dataOf(ruleDetailSchema) }),
  /** A partial change (the admin's client has no PATCH; the integrator API's twin is `patch`). */
  update: endpoint({
    method: 'PUT',
    path: '/automation/rules/:id',
    params: ruleParams,
    body: updateRuleSchema,
    wrappedBody: true,
    response: transitionSchema,
  }),
  /** The integrator API's PATCH /api/crm/automation-rules/:id: the same change as `update`. */
  patch: endpoint({
    method: 'PATCH',
    path: '/crm/automation-rules/:id',
    params: ruleParams,
    body: updateRuleSchema,
    wrappedBody: true,
    response: transitionSchema,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/automation/rules/:id',
    params: ruleParams,
    response: dataOf(ruleSchema.extend({ cancelledSteps: z.number() })),
  }),
  activate: endpoint({ method: 'POST', path: '/automation/rules/:id/activate', params: ruleParams, body: noBody, response: transitionSchema }),
  pause: endpoint({ method: 'POST', path: '/automation/rules/:id/pause', params: ruleParams, body: noBody, response: transitionSchema }),
  resume: endpoint({ method: 'POST', path: '/automation/rules/:id/resume', params: ruleParams, body: noBody, response: transitionSchema }),
  submit: endpoint({ method: 'POST', path: '/automation/rules/:id/submit', params: ruleParams, body: submitRuleSchema, response: transitionSchema }),
  test: endpoint({
    method: 'POST',
    path: '/automation/rules/:id/test',
    params: ruleParams,
    body: testRuleSchema,
    wrappedBody: true,
    response: dataOf(automationTestResultSchema),
  }),
  figures: endpoint({
    method: 'GET',
    path: '/automation/rules/:id/figures',
    params: ruleParams,
    query: figuresQuerySchema,
    response: dataOf(ruleFiguresSchema),
  }),
  forecast: endpoint({
    method: 'POST',
    path: '/automation/rules/:id/forecast',
    params: ruleParams,
    body: forecastRuleSchema,
    response: dataOf(automationForecastSchema),
  }),
  sendTest: endpoint({
    method: 'POST',
    path: '/automation/rules/:id/send-test',
    params: ruleParams,
    body: sendTestSchema,
    response: dataOf(sendTestResultSchema),
  }),
  /** Puts a dead-lettered step (named by the idempotency key its log lines carry) back in the queue, due now. */
  retryDeadLetter: endpoint({
    method: 'POST',
    path: '/automation/dead-letters/retry',
    body: z.object({ idemKey: z.string().trim().min(1).max(255) }).strict(),
    response: dataOf(z.object({ idemKey: z.string(), retried: z.literal(true) })),
  }),
};

export type AutomationRule = z.infer<typeof ruleSchema>;
export type AutomationRuleDetail = z.infer<typeof ruleDetailSchema>;
export type RuleRisk = z.infer<typeof ruleRiskSchema>;
export type RiskReason = (typeof RISK_REASONS)[number];
export type RuleFigures = z.infer<typeof ruleFiguresSchema>;
export type AutomationCatalogue = z.infer<typeof automationCatalogueSchema>;
export type CreateRuleInput = z.infer<typeof createRuleSchema>;
export type UpdateRuleInput = z.infer<typeof updateRuleSchema>;
export type LogListQuery = z.infer<typeof logListQuerySchema>;
export type TestRuleInput = z.infer<typeof testRuleSchema>;
