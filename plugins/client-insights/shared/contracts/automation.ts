import { z } from 'zod';
import { ACTION_TYPES, AUTOMATION_LOG_STATUSES, SKIP_REASONS } from '../enums';
import { isoDate } from './http';

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
      summary: z.string(),
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
  triggerExplanation: z.string(),
  conditionsPass: z.boolean(),
  conditions: z.array(conditionExplanationSchema),
  /** Guard rails that would stop it now (re-entry, consent, churned …), empty when none. */
  blockedBy: z.array(z.enum(SKIP_REASONS)),
  steps: z.array(testStepSchema),
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
