import { z } from 'zod';
import { AUTOMATION_EVENTS, INTERACTION_TYPES, STAGES } from '../enums';
import { id } from './http';

/**
 * What an automation rule is: IF a trigger fires for a customer AND its conditions hold THEN run
 * its steps (actions with waits and branches between them), within its guard rails. The host's
 * AutomationRule document stores `trigger`, `conditions`, `actions` (the steps) and `guard` as
 * JSON; the server parses them with these schemas on every write path, and snapshots the parsed
 * definition as a numbered version when the rule is activated (running sequences keep the
 * version they started with).
 *
 * Conditions and branches are rules of the rule language (docs/rules.md), checked for one
 * customer by the JS evaluator; they are validated by the rule validator, not here.
 */

/** A rule of the rule language; validated by the rule validator (errors point under its path). */
const ruleLanguage = z.unknown().refine((v) => v !== undefined && v !== null, { message: 'a rule is required' });

export const DURATION_UNITS = ['minutes', 'hours', 'days'] as const;
export const durationSchema = z.object({ amount: z.number().int().min(1).max(10_000), unit: z.enum(DURATION_UNITS) }).strict();
/** `HH:mm`, a wall-clock time in the customer's time zone. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:mm');

/** Text in the customer's language: `en` always, `zh-Hans` / `zh` when written (falling back to en). */
export const localizedText = (max: number) =>
  z
    .object({
      en: z.string().trim().min(1).max(max),
      'zh-Hans': z.string().trim().min(1).max(max).optional(),
      zh: z.string().trim().min(1).max(max).optional(),
    })
    .strict();

// ---------------------------------------------------------------------------------------------
// Triggers
// ---------------------------------------------------------------------------------------------

/** Narrows an event: all given properties must equal the event's. */
export const eventFiltersSchema = z
  .object({
    channel: z.string().trim().min(1).max(40).optional(),
    campaignId: id.optional(),
    /** segment.enter / segment.exit: which segment. */
    segmentId: id.optional(),
    /** tag.applied / tag.removed: which tag. */
    tagId: id.optional(),
    /** stage.changed: the stage entered. */
    toStage: z.enum(STAGES).optional(),
  })
  .strict();

export const triggerSchema = z.discriminatedUnion('type', [
  /** Each time the event happens to a customer. */
  z.object({ type: z.literal('event'), event: z.enum(AUTOMATION_EVENTS), filters: eventFiltersSchema.optional() }).strict(),
  /** `event` happened and `missing` did not follow within `within` ("signed up, did not check in"). Fires when the window closes. */
  z
    .object({
      type: z.literal('absence'),
      event: z.enum(INTERACTION_TYPES),
      missing: z.enum(INTERACTION_TYPES),
      within: durationSchema,
      filters: eventFiltersSchema.optional(),
    })
    .strict(),
  /** `days` before (negative) or after (positive) a date field of the customer, at `at` in the customer's time zone. */
  z
    .object({ type: z.literal('date'), field: z.string().min(1).max(100), days: z.number().int().min(-3650).max(3650), at: clockTime.default('09:00') })
    .strict(),
  /** No event of `event` (any interaction when omitted) for `days` days ("7 天未跟进"). Fires once per quiet spell. */
  z.object({ type: z.literal('inactivity'), event: z.enum(INTERACTION_TYPES).optional(), days: z.number().int().min(1).max(3650) }).strict(),
  /** On a cron schedule, for every current member of a segment. Same validation and minimum interval as segment schedules. */
  z.object({ type: z.literal('schedule'), cron: z.string().min(1).max(100), timezone: z.string().min(1).max(64).default('UTC'), segmentId: id }).strict(),
  /** Only when started by hand or through the API, for one customer or a segment. */
  z.object({ type: z.literal('manual') }).strict(),
]);

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

/** Who receives a task or a notification: the customer's owner, a named admin user, or every user of a role. */
export const assigneeSchema = z.discriminatedUnion('to', [
  z.object({ to: z.literal('owner') }).strict(),
  z.object({ to: z.literal('user'), userId: id }).strict(),
  z.object({ to: z.literal('role'), roleId: id }).strict(),
]);

export const attachmentSchema = z.object({ name: z.string().trim().min(1).max(200), url: z.string().url().max(2000) }).strict();

export const actionSchema = z.discriminatedUnion('type', [
  /** Through Strapi's email plugin; subject and body are templates with {{variables}}, per locale. */
  z
    .object({
      type: z.literal('email'),
      subject: localizedText(300),
      body: localizedText(50_000),
      /** Sent as links in the body ("发送材料"). */
      attachments: z.array(attachmentSchema).max(10).optional(),
      campaignId: id.optional(),
    })
    .strict(),
  /** Through the configured SMS gateway. */
  z.object({ type: z.literal('sms'), text: localizedText(1000), campaignId: id.optional() }).strict(),
  /** Mini-program / app push through the configured push gateway. */
  z.object({ type: z.literal('push'), title: localizedText(200), body: localizedText(2000), campaignId: id.optional() }).strict(),
  /** A signed webhook (Standard Webhooks) to a configured endpoint, with the customer and trigger as body. */
  z.object({ type: z.literal('webhook'), endpointId: id }).strict(),
  /** A Task for a person, due `dueInDays` after the step runs. */
  z
    .object({
      type: z.literal('task'),
      kind: z.enum(['follow_up', 'renewal', 'service_ticket', 'meeting']),
      title: localizedText(200),
      assignee: assigneeSchema,
      dueInDays: z.number().int().min(0).max(365).default(1),
    })
    .strict(),
  /** An in-app notification (and an email) to admin users. */
  z.object({ type: z.literal('notify'), to: assigneeSchema, message: localizedText(1000), email: z.boolean().default(true) }).strict(),
  z.object({ type: z.literal('tag'), op: z.enum(['add', 'remove']), tagId: id }).strict(),
  z.object({ type: z.literal('stage'), stage: z.enum(STAGES) }).strict(),
  /** Adds the customer to a static segment. */
  z.object({ type: z.literal('segment'), segmentId: id }).strict(),
]);

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

export type Step =
  | { kind: 'action'; action: z.infer<typeof actionSchema> }
  | { kind: 'wait'; duration: z.infer<typeof durationSchema> }
  | { kind: 'wait_until'; time: string }
  | { kind: 'if'; rule: unknown; then: Step[]; else: Step[] };

export const MAX_STEPS = 50;

export const stepSchema: z.ZodType<Step, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('action'), action: actionSchema }).strict(),
    z.object({ kind: z.literal('wait'), duration: durationSchema }).strict(),
    /** Waits until the next `time` in the customer's time zone. */
    z.object({ kind: z.literal('wait_until'), time: clockTime }).strict(),
    z
      .object({ kind: z.literal('if'), rule: ruleLanguage, then: z.array(stepSchema).max(MAX_STEPS), else: z.array(stepSchema).max(MAX_STEPS).default([]) })
      .strict(),
  ])
) as z.ZodType<Step, z.ZodTypeDef, unknown>;

/** Every action in the steps, with its pointer (`/steps/2/action`, `/steps/2/then/0/action`). */
export const actionsOf = (steps: Step[], at = '/steps'): Array<{ pointer: string; action: Extract<Step, { kind: 'action' }>['action'] }> =>
  steps.flatMap((step, i) =>
    step.kind === 'action'
      ? [{ pointer: `${at}/${i}/action`, action: step.action }]
      : step.kind === 'if'
        ? [...actionsOf(step.then, `${at}/${i}/then`), ...actionsOf(step.else, `${at}/${i}/else`)]
        : []
  );

/** The webhook endpoints the steps post to. */
export const webhookEndpointsOf = (steps: Step[]): number[] => actionsOf(steps).flatMap(({ action }) => (action.type === 'webhook' ? [action.endpointId] : []));

// ---------------------------------------------------------------------------------------------
// Guard rails
// ---------------------------------------------------------------------------------------------

export const guardSchema = z
  .object({
    /** once: a customer runs the rule once ever; cooldown: again after `days`; every: on every trigger. */
    reentry: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('once') }).strict(),
        z.object({ mode: z.literal('cooldown'), days: z.number().int().min(1).max(3650) }).strict(),
        z.object({ mode: z.literal('every') }).strict(),
      ])
      .default({ mode: 'once' }),
    /** Hold external sends during the configured quiet hours in the customer's time zone. */
    quietHours: z.boolean().default(true),
    /** Run for churned customers too (suppressed by default). */
    includeChurned: z.boolean().default(false),
    /** A running sequence stops when the customer leaves this segment. */
    exitOnLeaveSegment: id.optional(),
    /** A running sequence stops when this rule becomes true for the customer (the goal is reached). */
    goal: ruleLanguage.optional(),
    /** A share (0–50 %) of triggered customers kept untouched as a holdout, chosen reproducibly. */
    holdoutPercent: z.number().min(0).max(50).default(0),
  })
  .strict();

/** The whole definition, as the engine runs it. */
export const automationDefinitionSchema = z
  .object({
    trigger: triggerSchema,
    /** Checked when the trigger fires, and again before each step that follows a wait. */
    conditions: ruleLanguage.nullable().default(null),
    steps: z.array(stepSchema).min(1, 'a rule needs at least one step').max(MAX_STEPS),
    guard: guardSchema.default({}),
  })
  .strict();

export type Trigger = z.infer<typeof triggerSchema>;
export type EventFilters = z.infer<typeof eventFiltersSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Assignee = z.infer<typeof assigneeSchema>;
export type Guard = z.infer<typeof guardSchema>;
export type Duration = z.infer<typeof durationSchema>;
export type AutomationDefinition = z.infer<typeof automationDefinitionSchema>;
export type LocalizedText = { en: string; 'zh-Hans'?: string; zh?: string };
