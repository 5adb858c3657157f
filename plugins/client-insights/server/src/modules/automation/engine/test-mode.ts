import type { Core } from '@strapi/strapi';
import type { AutomationDefinition } from '../../../../../shared/contracts/automation-definition';
import type { AutomationTestResult } from '../../../../../shared/contracts/automation';
import type { SkipReason } from '../../../../../shared/enums';
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
    conditionsPass: conditions.pass,
    conditions: conditions.conditions,
    blockedBy,
    steps,
  };
};
