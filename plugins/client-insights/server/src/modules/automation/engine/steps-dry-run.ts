import type { Core } from '@strapi/strapi';
import type { AutomationDefinition } from '../../../../../shared/contracts/automation-definition';
import type { AutomationTestStep } from '../../../../../shared/contracts/automation';
import { handlerFor } from '../actions/registry';
import type { ActionContext, ActionCustomer, ActionHandler } from '../actions/types';
import { actionBlock, capReached, factsJudge } from './guards';
import { automationSettings } from './settings';
import { afterDuration, branchPath, nextClockTime, nextPath, quietHoursEnd, stepAt } from './steps';

/** What fired, as the test mode pretends it: the occurrence key, the event and its data. */
export type DryRunContext = {
  triggerKey?: string;
  event?: string | null;
  data?: Record<string, unknown>;
  rule?: { doc: string; version: number; name: string };
};

/**
 * The test mode's walk over a rule's steps for one customer, writing nothing: when each step
 * would run (waits and quiet hours applied), which branch each if takes now, which guard rail
 * would skip an action, and what each action would send (its render()).

 */
export const dryRunSteps = async (
  strapi: Core.Strapi,
  definition: AutomationDefinition,
  customer: ActionCustomer,
  now: Date,
  context: DryRunContext = {}
): Promise<AutomationTestStep[]> => {
  const knex = strapi.db.connection;
  const settings = automationSettings(strapi);
  const judge = factsJudge(knex, customer.id, now);
  const steps: AutomationTestStep[] = [];
  let at = now;
  let path: string | null = '0';
  while (path !== null) {
    const step = stepAt(definition.steps, path);
    if (!step) break;
    const base = { path, kind: step.kind, action: null, reason: null, rendered: null } as const;
    if (step.kind === 'wait' || step.kind === 'wait_until') {
      at = step.kind === 'wait' ? afterDuration(at, step.duration, customer.timezone) : nextClockTime(at, step.time, customer.timezone);
      steps.push({ ...base, at: at.toISOString(), outcome: 'wait' });
      path = nextPath(definition.steps, path);
      continue;
    }
    if (step.kind === 'if') {
      const branch = (await judge(step.rule)) ? 'then' : 'else';
      steps.push({ ...base, at: at.toISOString(), outcome: branch === 'then' ? 'branch_then' : 'branch_else' });
      path = branchPath(definition.steps, path, branch);
      continue;
    }
    const handler = handlerFor(step.action.type) as ActionHandler | null;
    if (handler?.external && definition.guard.quietHours) at = quietHoursEnd(at, customer.timezone, settings.quietHours) ?? at;
    const reason = handler
      ? ((await actionBlock(strapi, knex, handler, definition.guard, customer, at, step.action)) ?? (await capReached(strapi, knex, handler, customer, at)))
      : null;
    const ctx: ActionContext = {
      strapi,
      knex,
      action: step.action,
      customer,
      idemKey: `test:${path}`,
      rule: context.rule ?? { doc: 'test', version: 0, name: '' },
      trigger: { key: context.triggerKey ?? 'test', event: context.event ?? null, data: context.data ?? {} },
      test: true,
      now: at,
    };
    const rendered = handler ? await handler.render(ctx as any) : null;
    steps.push({
      ...base,
      action: step.action.type,
      at: at.toISOString(),
      outcome: handler && !reason ? 'run' : 'skipped',
      reason,
      rendered: rendered ? { ...rendered, summary: rendered.summary.en, summaryText: rendered.summary, to: rendered.to ?? null } : null,
    });
    path = nextPath(definition.steps, path);
  }
  return steps;
};
