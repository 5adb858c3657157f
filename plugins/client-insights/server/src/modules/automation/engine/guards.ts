import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Action, Guard } from '../../../../../shared/contracts/automation-definition';
import type { DeliveryChannel, SkipReason } from '../../../../../shared/enums';
import { UID } from '../../../core/constants';
import { hostTables, TABLES } from '../../../core/db/tables';
import { getService } from '../../../get-service';
// The slice of the rule engine automation decides with (as segments/rule-engine.ts does for segments).
import { compileEvaluator } from '../../rules/evaluate';
import { loadFacts } from '../../rules/facts';
// The campaign holdout's buckets, shared with the report that measures its lift.
import { inCampaignHoldout } from '../../reports/holdout';
import type { CustomerFacts } from '../../rules/types';
import type { ActionCustomer, ActionHandler } from '../actions/types';
import { automationSettings } from './settings';
import { localDay } from './steps';

/**
 * The guard rails checked when a step runs (the worker) or would run (the test mode). Sequence
 * rails (rule deleted, conditions after a wait, exit, goal) stop what is left of a sequence;
 * action rails (churned, consent, campaign holdout, frequency cap) skip one action and the sequence goes on.
 */

export type RuleState = { state: 'active' | 'paused' | 'deleted'; name: string };

/**
 * The host AutomationRule behind `ruleDoc`. It runs while `active`, and while `pending_approval`
 * with a running version (an edit of a high-risk rule waits for approval while the approved
 * version keeps running, lifecycle.ts); draft, paused and pending without one hold like paused.
 */
export const isRunning = (row: { rule_status?: unknown; running_version?: unknown }) =>
  row.rule_status === 'active' || (row.rule_status === 'pending_approval' && row.running_version !== null && row.running_version !== undefined);

export const ruleState = async (strapi: Core.Strapi, knex: Knex, ruleDoc: string): Promise<RuleState> => {
  const table = (strapi.db.metadata.get(UID.automationRule as any) as any).tableName as string;
  const row = await knex(table).where({ document_id: ruleDoc }).first('name', 'rule_status', 'running_version');
  if (!row) return { state: 'deleted', name: '' };
  return { state: isRunning(row) ? 'active' : 'paused', name: String(row.name ?? '') };
};

/** Decides rules of the rule language for one customer, loading the facts once, only when a rule is asked. */
export const factsJudge = (knex: Knex, customerId: number, now: Date) => {
  let facts: Promise<CustomerFacts | null> | null = null;
  return async (rule: unknown): Promise<boolean> => {
    facts ??= loadFacts(knex, customerId, { now });
    const loaded = await facts;
    return loaded ? compileEvaluator(rule)(loaded, { now }) : false;
  };
};

/** Is the customer in the segment's current membership (the run ci_segment_current points to)? */
export const inSegment = async (knex: Knex, segmentId: number, customerId: number): Promise<boolean> =>
  Boolean(
    await knex(`${TABLES.segmentMembers} as sm`)
      .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'sm.segment_id').andOn('cur.run_id', 'sm.run_id'))
      .where({ 'sm.segment_id': segmentId, 'sm.customer_id': customerId })
      .first('sm.customer_id')
  );

/** A sequence rail that stops what is left: exit (left the segment) or goal (its rule holds). */
export const sequenceStop = async (knex: Knex, guard: Guard, customerId: number, judge: (rule: unknown) => Promise<boolean>): Promise<SkipReason | null> => {
  if (guard.exitOnLeaveSegment !== undefined && !(await inSegment(knex, guard.exitOnLeaveSegment, customerId))) return 'exit_condition';
  if (guard.goal !== undefined && (await judge(guard.goal))) return 'goal_reached';
  return null;
};

/** The customer's calendar day around `now`, as the cap's rows name it (YYYY-MM-DD). */
const capDay = (now: Date, zone: string) => DateTime.fromJSDate(localDay(now, zone).start, { zone }).toISODate()!;

/** Days of cap rows kept (a day is over everywhere after two); older rows are removed now and then. */
const KEEP_CAP_DAYS = 3;

/**
 * Takes one of the customer's `cap` sends on `channel` for their calendar day, counted in the
 * database so that the cap holds across nodes: the day's row is created if missing, then
 * incremented only while under the cap (one conditional update, atomic on every database).
 * False when the day's sends are used up. A send that then does not happen gives its slot back
 * (releaseCapSlot); a node that dies in between keeps it, so a crash can only lower the day's sends.
 */
export const takeCapSlot = async (knex: Knex, customerId: number, channel: DeliveryChannel, zone: string, now: Date, cap: number): Promise<boolean> => {
  if (cap <= 0) return false;
  const key = { customer_id: customerId, channel, day: capDay(now, zone) };
  await knex(TABLES.automationCapSlots)
    .insert({ ...key, used: 0 })
    .onConflict(['customer_id', 'channel', 'day'])
    .ignore();
  if (Math.random() < 0.001)
    await knex(TABLES.automationCapSlots)
      .where('day', '<', DateTime.fromJSDate(now, { zone: 'UTC' }).minus({ days: KEEP_CAP_DAYS }).toISODate()!)
      .delete();
  const taken = await knex(TABLES.automationCapSlots)
    .where(key)
    .where('used', '<', cap)
    .update({ used: knex.raw('used + 1') });
  return Number(taken) === 1;
};

/** Gives back a slot taken for a send that did not happen (skipped by its handler, failed). */
export const releaseCapSlot = async (knex: Knex, customerId: number, channel: DeliveryChannel, zone: string, now: Date) =>
  knex(TABLES.automationCapSlots)
    .where({ customer_id: customerId, channel, day: capDay(now, zone) })
    .where('used', '>', 0)
    .update({ used: knex.raw('used - 1') });

/** The customer's sends on `channel` taken for their calendar day around `now` (what the test panel shows the cap against). */
const capUsed = async (knex: Knex, customerId: number, channel: DeliveryChannel, zone: string, now: Date): Promise<number> => {
  const row = await knex(TABLES.automationCapSlots)
    .where({ customer_id: customerId, channel, day: capDay(now, zone) })
    .first('used');
  return Number(row?.used ?? 0);
};

/** A campaign's holdout share, read at most every 30 s per campaign (the worker asks for every send). */
const HOLDOUT_TTL_MS = 30_000;
const holdoutShares = new Map<number, { percent: number; until: number }>();
const campaignHoldoutShare = async (strapi: Core.Strapi, knex: Knex, campaignId: number): Promise<number> => {
  const cached = holdoutShares.get(campaignId);
  if (cached && cached.until > Date.now()) return cached.percent;
  const row = await knex(hostTables(strapi).campaigns).where('id', campaignId).first('holdout_percent');
  const percent = Number(row?.holdout_percent ?? 0);
  holdoutShares.set(campaignId, { percent, until: Date.now() + HOLDOUT_TTL_MS });
  return percent;
};

/**
 * An action rail that skips this action: churned (unless the rule includes them), no consent on its
 * channel, in the holdout of the campaign the action sends for (the same buckets the attribution
 * report compares, so its lift measures what was really withheld). The day's cap is not here: the
 * worker takes a slot just before sending (takeCapSlot), the test panel asks capReached.
 */
export const actionBlock = async (
  strapi: Core.Strapi,
  knex: Knex,
  handler: Pick<ActionHandler, 'channel'>,
  guard: Guard,
  customer: ActionCustomer,
  now: Date,
  action: Action
): Promise<SkipReason | null> => {
  if (customer.stage === 'churned' && !guard.includeChurned) return 'churned';
  if (!handler.channel) return null;
  if (!(await getService(strapi, 'customers').mayContact(customer.id, handler.channel))) return 'no_consent';
  const campaignId = 'campaignId' in action ? action.campaignId : undefined;
  if (campaignId !== undefined && inCampaignHoldout(campaignId, customer.id, await campaignHoldoutShare(strapi, knex, campaignId))) return 'campaign_holdout';
  return null;
};

/** The day's cap on the action's channel already used up, as the worker's takeCapSlot would find it. */
export const capReached = async (
  strapi: Core.Strapi,
  knex: Knex,
  handler: Pick<ActionHandler, 'channel'>,
  customer: ActionCustomer,
  now: Date
): Promise<SkipReason | null> => {
  if (!handler.channel) return null;
  const cap = automationSettings(strapi).dailyCap[handler.channel];
  return (await capUsed(knex, customer.id, handler.channel, customer.timezone, now)) >= cap ? 'frequency_cap' : null;
};
