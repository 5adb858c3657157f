import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { RiskReason, RuleRisk } from '../../../../shared/contracts/automation';
import { actionsOf, webhookEndpointsOf, type AutomationDefinition } from '../../../../shared/contracts/automation-definition';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { bindDate } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { storedJson } from '../../core/security/stored-json';
import { EXTERNAL_ACTIONS } from './catalogue';

/** Above this many customers a day a rule needs approval (plugin config `automation.approvalReachPerDay`). */
export const APPROVAL_REACH_PER_DAY = 1000;

export const approvalReachPerDay = (strapi: Core.Strapi): number => {
  const n = Number(strapi.config.get(`plugin::${PLUGIN_ID}.automation.approvalReachPerDay`, APPROVAL_REACH_PER_DAY));
  return Number.isFinite(n) && n >= 0 ? n : APPROVAL_REACH_PER_DAY;
};

const count = async (q: Knex.QueryBuilder) => Number(((await q) as any)?.[0]?.n ?? 0);

/** Members of a segment's current run. */
const segmentMembers = (knex: Knex, segmentId: number) =>
  count(
    knex(`${TABLES.segmentMembers} as m`)
      .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
      .where('m.segment_id', segmentId)
      .count({ n: '*' })
  );

/**
 * How many customers the rule may reach in one day, an upper bound computed in SQL: a segment's
 * current members when the trigger names one (schedule, segment enter/exit); for an interaction
 * event, the customers who had one in the last 30 days; one for a manual trigger; otherwise every
 * customer (date, inactivity and other events can reach anyone).
 */
export const reachEstimate = async (strapi: Core.Strapi, d: AutomationDefinition, now = new Date()): Promise<number> => {
  const knex = strapi.db.connection;
  const t = d.trigger;
  if (t.type === 'manual') return 1;
  if (t.type === 'schedule') return segmentMembers(knex, t.segmentId);
  if ((t.type === 'event' || t.type === 'absence') && t.filters?.segmentId) return segmentMembers(knex, t.filters.segmentId);
  if ((t.type === 'event' && t.event.startsWith('interaction.')) || t.type === 'absence') {
    const type = t.type === 'absence' ? t.event : t.event.slice('interaction.'.length);
    return count(
      knex(TABLES.customerEvents)
        .where('type', type)
        .where('occurred_at', '>=', bindDate(knex, new Date(now.getTime() - 30 * 86_400_000)))
        .countDistinct({ n: 'customer_id' })
    );
  }
  return count(knex(hostTables(strapi).customers).count({ n: '*' }));
};

/** Webhook endpoints that some earlier approved version already called. */
const approvedEndpoints = async (knex: Knex): Promise<Set<number>> => {
  const rows = await knex(TABLES.automationVersions).whereNotNull('approved_by').select('definition');
  const ids = rows.flatMap((r: any) => {
    const d = storedJson(r.definition) as AutomationDefinition | null;
    return d && Array.isArray(d.steps) ? webhookEndpointsOf(d.steps) : [];
  });
  return new Set(ids);
};

/**
 * Whether activating the definition needs another user's approval: external sends (email, SMS,
 * push, webhook), a stage change, a webhook endpoint no approved rule has called before, or a
 * reach above the configured number a day.
 */
export const assessRisk = async (strapi: Core.Strapi, d: AutomationDefinition): Promise<RuleRisk> => {
  const actions = actionsOf(d.steps).map((a) => a.action);
  const reasons: RiskReason[] = [];
  if (actions.some((a) => EXTERNAL_ACTIONS.includes(a.type))) reasons.push('external_send');
  if (actions.some((a) => a.type === 'stage')) reasons.push('stage_change');
  const webhooks = webhookEndpointsOf(d.steps);
  if (webhooks.length) {
    const known = await approvedEndpoints(strapi.db.connection);
    if (webhooks.some((e) => !known.has(e))) reasons.push('new_webhook_endpoint');
  }
  const reach = await reachEstimate(strapi, d);
  const limit = approvalReachPerDay(strapi);
  if (reach > limit) reasons.push('reach');
  return { highRisk: reasons.length > 0, reasons, reachEstimate: reach, reachLimit: limit };
};
