import type { Core } from '@strapi/strapi';
import type { Action, AutomationDefinition, Step } from '../../../../../shared/contracts/automation-definition';
import type { AutomationTestResult } from '../../../../../shared/contracts/automation';
import type { SkipReason } from '../../../../../shared/enums';
import { emailAction } from '../actions/email';
import { DeliveryError } from '../actions/types';
import { loadActionCustomer } from './customer';
import { explainConditions, explainTrigger } from './explain';
import { reentryBlocked } from './occurrences';
import { dryRunSteps } from './steps-dry-run';

/**
 * Test mode for one customer, writing nothing: would the trigger match now and why, each
 * condition's value with the facts it read, the rule-wide guard rails that would stop it (the
 * customer's re-entry, churned), and every step as it would run (times, branches, skips, and what
 * each action would send).
 */
export const testRule = async (input: {
  strapi: Core.Strapi;
  ruleDoc: string;
  version: number;
  name: string;
  definition: AutomationDefinition;
  customerId: number;
  now: Date;
}): Promise<AutomationTestResult> => {
  const { strapi, definition, customerId, now } = input;
  const knex = strapi.db.connection;
  const [trigger, conditions, customer] = await Promise.all([
    explainTrigger(strapi, definition, customerId, now),
    explainConditions(strapi, definition.conditions, customerId, now),
    loadActionCustomer(strapi, knex, customerId),
  ]);
  const blockedBy: SkipReason[] = [];
  if (!customer) blockedBy.push('customer_missing');
  else if (customer.stage === 'churned' && !definition.guard.includeChurned) blockedBy.push('churned');
  const version = { ruleDoc: input.ruleDoc, version: input.version, name: input.name, definition, activatedAt: now };
  if ((await reentryBlocked(knex, version, [customerId], now)).has(customerId)) blockedBy.push('reentry');
  const event = definition.trigger.type === 'event' || definition.trigger.type === 'absence' ? definition.trigger.event : null;
  const steps = customer
    ? await dryRunSteps(strapi, definition, customer, now, {
        triggerKey: `test:${now.toISOString()}`,
        event,
        data: {},
        rule: { doc: input.ruleDoc, version: input.version, name: input.name },
      })
    : [];
  return {
    customerId,
    triggerMatches: trigger.matches,
    triggerExplanation: trigger.explanation,
    triggerExplanationText: trigger.text,
    conditionsPass: conditions.pass,
    conditions: conditions.conditions,
    blockedBy,
    steps,
    timezone: customer?.timezone ?? null,
  };
};

/** The email actions of a rule's steps, branches included, with their paths. */
const emailSteps = (steps: Step[], prefix = ''): Array<{ path: string; action: Extract<Action, { type: 'email' }> }> =>
  steps.flatMap((step, i) => {
    const path = `${prefix}${i}`;
    if (step.kind === 'action') return step.action.type === 'email' ? [{ path, action: step.action }] : [];
    if (step.kind === 'if') return [...emailSteps(step.then, `${path}.then.`), ...emailSteps(step.else, `${path}.else.`)];
    return [];
  });

/**
 * "Send a test to me": every email of the rule rendered with the customer's data and sent to the
 * caller's own address (the action's test recipient), nothing logged against the customer and no
 * guard rail applied (it reaches staff, not the customer). Null when the customer does not exist.
 */
export const sendTestEmails = async (
  strapi: Core.Strapi,
  input: { ruleDoc: string; version: number; name: string; definition: AutomationDefinition; customerId: number; to: { userId: number; email: string } }
): Promise<Array<{ path: string; status: 'sent' | 'failed'; detail: string | null }> | null> => {
  const knex = strapi.db.connection;
  const customer = await loadActionCustomer(strapi, knex, input.customerId);
  if (!customer) return null;
  const now = new Date();
  const results: Array<{ path: string; status: 'sent' | 'failed'; detail: string | null }> = [];
  for (const { path, action } of emailSteps(input.definition.steps)) {
    try {
      await emailAction.perform({
        strapi,
        knex,
        action,
        customer,
        // Its own key: a test is never mistaken for the customer's real send by a receiver.
        idemKey: `test:${input.ruleDoc}:u${input.to.userId}:${now.getTime()}:s${path}`,
        rule: { doc: input.ruleDoc, version: input.version, name: input.name },
        trigger: { key: 'test', event: null, data: {} },
        test: true,
        testRecipient: input.to,
        now,
      });
      results.push({ path, status: 'sent', detail: null });
    } catch (error) {
      results.push({ path, status: 'failed', detail: error instanceof DeliveryError ? error.message : 'the email could not be sent' });
    }
  }
  return results;
};
