import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AutomationDefinition, Step } from '../../../../../shared/contracts/automation-definition';
import type { AutomationForecast } from '../../../../../shared/contracts/automation';
import { DELIVERY_CHANNELS, type DeliveryChannel, type SkipReason } from '../../../../../shared/enums';
import { bindDate } from '../../../core/db/dialect';
import { hostTables, TABLES } from '../../../core/db/tables';
import { matchQuery } from '../../rules/compile';
import { currentMembers } from './time-triggers';
import { automationSettings } from './settings';

/** Daily sends per customer and channel (engine/settings.ts's defaults; the configured values win). */

/** The delivery channels the rule's steps may send on (branches included). */
const channelsOf = (steps: Step[]): DeliveryChannel[] => {
  const found = new Set<DeliveryChannel>();
  const walk = (list: Step[]) => {
    for (const step of list) {
      if (step.kind === 'action' && (DELIVERY_CHANNELS as readonly string[]).includes(step.action.type)) found.add(step.action.type as DeliveryChannel);
      if (step.kind === 'if') {
        walk(step.then);
        walk(step.else);
      }
    }
  };
  walk(steps);
  return [...found];
};

const count = async (q: Knex.QueryBuilder): Promise<number> => Number(((await q.count({ n: '*' }).first()) as { n?: unknown } | undefined)?.n ?? 0);

/**
 * Who a rule would reach if it fired now over a segment (the trigger's segment for a schedule,
 * `segmentId` otherwise, every customer without one): the candidates, and how many the guard
 * rails would hold back, each a count in SQL over the set. Estimates: the frequency cap counts
 * candidates who already had today's (UTC day) sends on a channel the rule uses; the holdout is
 * its share of those left (the exact split is per customer and reproducible, holdout in occurrences.ts).
 */
export const forecast = async (
  strapi: Core.Strapi,
  definition: AutomationDefinition,
  options: { segmentId?: number; ruleDoc?: string; now?: Date } = {}
): Promise<AutomationForecast> => {
  const knex = strapi.db.connection as unknown as Knex;
  const now = options.now ?? new Date();
  const customers = hostTables(strapi).customers;
  const segmentId = definition.trigger.type === 'schedule' ? definition.trigger.segmentId : options.segmentId;
  const { guard } = definition;
  // Each step narrows the set: candidates → not churned → not kept out by re-entry → conditions true.
  const base = () => {
    const q = knex(`${customers} as c`);
    if (segmentId !== undefined) q.whereIn('c.id', currentMembers(knex, segmentId));
    return q;
  };
  const active = () => (guard.includeChurned ? base() : base().whereNot('c.stage', 'churned'));
  const entering = () => {
    const q = active();
    if (options.ruleDoc && guard.reentry.mode !== 'every') {
      const earlier = knex(TABLES.automationOccurrences)
        .select('customer_id')
        .where('rule_doc', options.ruleDoc)
        .whereNot('state', 'skipped')
        .where('test', false);
      if (guard.reentry.mode === 'cooldown') earlier.where('fired_at', '>', bindDate(knex, new Date(now.getTime() - guard.reentry.days * 86_400_000)));
      q.whereNotIn('c.id', earlier);
    }
    return q;
  };
  const passing = () => (definition.conditions === null ? entering() : entering().whereIn('c.id', matchQuery(knex, definition.conditions, { now })));

  const candidates = await count(base());
  const notChurned = guard.includeChurned ? candidates : await count(active());
  const notBlocked = options.ruleDoc && guard.reentry.mode !== 'every' ? await count(entering()) : notChurned;
  const pass = definition.conditions === null ? notBlocked : await count(passing());

  const caps = automationSettings(strapi).dailyCap;
  const channels = channelsOf(definition.steps);
  let capped = 0;
  if (channels.length && pass > 0) {
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const full = knex
      .from(
        knex(TABLES.automationLogs)
          .select('customer_id', 'channel')
          .count({ sent: '*' })
          .whereIn('channel', channels)
          .where('status', 'sent')
          .where('test', false)
          .where('created_at', '>=', bindDate(knex, dayStart))
          .groupBy('customer_id', 'channel')
          .as('d')
      )
      .where((w) => {
        for (const channel of channels) w.orWhere((x) => x.where('d.channel', channel).where('d.sent', '>=', caps[channel]));
      })
      .select('d.customer_id');
    capped = await count(passing().whereIn('c.id', full));
  }
  const holdout = Math.round(((pass - capped) * guard.holdoutPercent) / 100);
  const suppressed: Partial<Record<SkipReason, number>> = {};
  if (candidates - notChurned) suppressed.churned = candidates - notChurned;
  if (notChurned - notBlocked) suppressed.reentry = notChurned - notBlocked;
  if (notBlocked - pass) suppressed.condition_false = notBlocked - pass;
  if (capped) suppressed.frequency_cap = capped;
  return { candidates, wouldFire: pass - capped - holdout, suppressed: suppressed as AutomationForecast['suppressed'], holdout };
};
