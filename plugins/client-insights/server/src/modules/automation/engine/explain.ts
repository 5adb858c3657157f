import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { AutomationDefinition, EventFilters, Trigger } from '../../../../../shared/contracts/automation-definition';
import { bindDate, readDate } from '../../../core/db/dialect';
import { hostTables, TABLES } from '../../../core/db/tables';
import { referencedFields, referencedSegmentKeys, referencedTagSlugs } from '../../rules/compile';
import { compileEvaluator } from '../../rules/evaluate';
import { loadFacts } from '../../rules/facts';
import type { CustomerFacts } from '../../rules/types';
import { dateColumnOf, isTimeZone } from './time-triggers';
import { automationSettings } from './settings';

/**
 * Test mode, the trigger side: would this rule's trigger match this customer now, and what do its
 * conditions say for them, each with a sentence or the facts it read. Nothing is written.
 */
export type TriggerExplanation = { matches: boolean; explanation: string };
export type ConditionExplanation = { pointer: string; text: string; value: boolean; facts: Record<string, unknown> };

const DAY_MS = 86_400_000;
const knexOf = (strapi: Core.Strapi) => strapi.db.connection as unknown as Knex;
const iso = (d: Date | null) => (d ? d.toISOString() : 'never');
const describeFilters = (filters: EventFilters | undefined) => {
  const parts = Object.entries(filters ?? {}).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` with ${parts.join(', ')}` : '';
};

/** The customer's latest interaction of `type` (filters on channel and campaign), or null. */
const latestInteraction = async (strapi: Core.Strapi, customerId: number, type: string, filters?: EventFilters, before?: Date) => {
  const knex = knexOf(strapi);
  const t = hostTables(strapi);
  const q = knex(`${t.interactions} as i`)
    .join(`${t.interactionCustomer.table} as il`, `il.${t.interactionCustomer.interaction}`, 'i.id')
    .leftJoin(`${t.interactionCampaign.table} as cl`, `cl.${t.interactionCampaign.interaction}`, 'i.id')
    .where(`il.${t.interactionCustomer.customer}`, customerId)
    .where('i.type', type)
    .orderBy('i.occurred_at', 'desc')
    .first('i.occurred_at');
  if (filters?.channel !== undefined) q.where('i.channel', filters.channel);
  if (filters?.campaignId !== undefined) q.where(`cl.${t.interactionCampaign.campaign}`, filters.campaignId);
  if (before) q.where('i.occurred_at', '<=', bindDate(knex, before));
  const row = await q;
  return row ? readDate(row.occurred_at) : null;
};

const customerZone = async (strapi: Core.Strapi, customerId: number) => {
  const row = await knexOf(strapi)(hostTables(strapi).customers).where('id', customerId).first('timezone');
  return isTimeZone(row?.timezone) ? (row!.timezone as string) : automationSettings(strapi).defaultTimezone;
};

const explainEvent = async (strapi: Core.Strapi, trigger: Extract<Trigger, { type: 'event' }>, customerId: number): Promise<TriggerExplanation> => {
  const knex = knexOf(strapi);
  const on = `Fires each time ${trigger.event}${describeFilters(trigger.filters)} happens to the customer`;
  if (trigger.event.startsWith('interaction.')) {
    const last = await latestInteraction(strapi, customerId, trigger.event.slice('interaction.'.length), trigger.filters);
    return { matches: last !== null, explanation: `${on}; their latest such event: ${iso(last)}.` };
  }
  if (trigger.event === 'segment.enter' || trigger.event === 'segment.exit') {
    const q = knex(TABLES.segmentEvents).where({ customer_id: customerId, kind: trigger.event.slice('segment.'.length) });
    if (trigger.filters?.segmentId !== undefined) q.where('segment_id', trigger.filters.segmentId);
    const row = await q.orderBy('id', 'desc').first('occurred_at');
    const last = row ? readDate(row.occurred_at) : null;
    return { matches: last !== null, explanation: `${on}; their latest one: ${iso(last)}.` };
  }
  if (trigger.event === 'tag.applied' || trigger.event === 'tag.removed') {
    const q = knex(TABLES.customerTags).where('customer_id', customerId);
    if (trigger.filters?.tagId !== undefined) q.where('tag_id', trigger.filters.tagId);
    const holds = Boolean(await q.first('tag_id'));
    const matches = trigger.event === 'tag.applied' ? holds : !holds;
    return {
      matches,
      explanation: `${on}; the customer ${holds ? 'holds' : 'does not hold'} ${trigger.filters?.tagId !== undefined ? 'the tag' : 'a tag'} now.`,
    };
  }
  if (trigger.event === 'stage.changed') {
    const row = await knex(hostTables(strapi).customers).where('id', customerId).first('stage');
    const matches = trigger.filters?.toStage === undefined || row?.stage === trigger.filters.toStage;
    return { matches, explanation: `${on}; their stage now is ${row?.stage ?? 'unknown'}.` };
  }
  if (trigger.event === 'order.paid') {
    const facts = await loadFacts(knex, customerId, { now: new Date() });
    const paid = (facts?.orders ?? []).filter((o) => o.status === 'paid').length;
    return { matches: paid > 0, explanation: `${on}; they have ${paid} paid order${paid === 1 ? '' : 's'}.` };
  }
  if (trigger.event === 'quadrant.changed') {
    // The two latest published runs, as the inbox compares them after a refresh.
    const runs = await knex(TABLES.valueRuns).where('status', 'success').orderBy('id', 'desc').limit(2).select('id');
    const rows = runs.length
      ? await knex(TABLES.valueHistory)
          .where('customer_id', customerId)
          .whereIn(
            'run_id',
            runs.map((r: any) => r.id)
          )
          .select('run_id', 'quadrant')
      : [];
    const quadrantIn = (run: any) => (run ? (rows.find((r: any) => Number(r.run_id) === Number(run.id))?.quadrant ?? null) : null);
    const [now, before] = [quadrantIn(runs[0]), quadrantIn(runs[1])];
    if (runs.length < 2 || now === null || before === null)
      return { matches: false, explanation: `${on}; the customer is not scored in the two latest value runs.` };
    return { matches: now !== before, explanation: `${on}; their quadrant was ${before} and is ${now} after the latest value run.` };
  }
  return { matches: false, explanation: `${on}; this event is not recorded for customers yet.` };
};

/** Would `definition`'s trigger match `customerId` at `now`, and why (a sentence, in English). */
export const explainTrigger = async (strapi: Core.Strapi, definition: AutomationDefinition, customerId: number, now: Date): Promise<TriggerExplanation> => {
  const knex = knexOf(strapi);
  const trigger = definition.trigger;
  if (!(await knex(hostTables(strapi).customers).where('id', customerId).first('id')))
    return { matches: false, explanation: `There is no customer ${customerId}.` };
  switch (trigger.type) {
    case 'event':
      return explainEvent(strapi, trigger, customerId);
    case 'manual':
      return { matches: true, explanation: 'Fires only when started by hand or through the API; it would run for this customer when started.' };
    case 'schedule': {
      const member = await knex(`${TABLES.segmentMembers} as m`)
        .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
        .where({ 'm.segment_id': trigger.segmentId, 'm.customer_id': customerId })
        .first('m.customer_id');
      return {
        matches: Boolean(member),
        explanation: `Fires on "${trigger.cron}" (${trigger.timezone}) for the members of segment ${trigger.segmentId}; the customer is ${member ? '' : 'not '}a member now.`,
      };
    }
    case 'absence': {
      const within = trigger.within.amount * { minutes: 60_000, hours: 3_600_000, days: DAY_MS }[trigger.within.unit];
      const last = await latestInteraction(strapi, customerId, trigger.event, trigger.filters);
      const head = `Fires when ${trigger.event} is not followed by ${trigger.missing} within ${trigger.within.amount} ${trigger.within.unit}`;
      if (!last) return { matches: false, explanation: `${head}; the customer has no ${trigger.event}.` };
      const followed = await latestInteraction(strapi, customerId, trigger.missing, undefined, new Date(last.getTime() + within));
      const answered = followed !== null && followed > last;
      const closed = last.getTime() + within <= now.getTime();
      const matches = !answered && closed;
      const why = answered
        ? `${trigger.missing} followed at ${iso(followed)}`
        : closed
          ? 'nothing followed and the window has closed'
          : `the window closes at ${new Date(last.getTime() + within).toISOString()}`;
      return { matches, explanation: `${head}; their latest ${trigger.event} was at ${iso(last)}: ${why}.` };
    }
    case 'inactivity': {
      const q = knex(TABLES.customerEvents).where('customer_id', customerId).max({ last: 'occurred_at' });
      if (trigger.event) q.where('type', trigger.event);
      const last = readDate((await q.first())?.last ?? null);
      const days = last ? Math.floor((now.getTime() - last.getTime()) / DAY_MS) : null;
      const what = trigger.event ?? 'interaction';
      if (days === null)
        return {
          matches: false,
          explanation: `Fires after ${trigger.days} days without ${what}; the customer has none yet, so there is no quiet spell to count.`,
        };
      return { matches: days >= trigger.days, explanation: `Fires after ${trigger.days} days without ${what}; the last was ${days} days ago (${iso(last)}).` };
    }
    case 'date': {
      const column = dateColumnOf(trigger.field);
      if (!column) return { matches: false, explanation: `${trigger.field} is not a date field the trigger can read.` };
      const row = await knex(`${hostTables(strapi).customers} as c`)
        .leftJoin(`${TABLES.metrics} as m`, 'm.customer_id', 'c.id')
        .where('c.id', customerId)
        .first({ value: column });
      const value = readDate(row?.value ?? null);
      const zone = await customerZone(strapi, customerId);
      const when = `${Math.abs(trigger.days)} days ${trigger.days < 0 ? 'before' : 'after'} ${trigger.field} at ${trigger.at} (${zone})`;
      if (!value) return { matches: false, explanation: `Fires ${when}; the customer has no ${trigger.field}.` };
      const fireDay = DateTime.fromJSDate(value, { zone }).startOf('day').plus({ days: trigger.days }).toISODate()!;
      const matches = fireDay === DateTime.fromJSDate(now, { zone }).toISODate();
      return { matches, explanation: `Fires ${when}; ${trigger.field} is ${value.toISOString()}, so it fires on ${fireDay}.` };
    }
  }
};

/** The facts a piece of a rule reads, from one customer's facts. */
const factsRead = (rule: unknown, facts: CustomerFacts): Record<string, unknown> => {
  const read: Record<string, unknown> = {};
  for (const path of referencedFields(rule)) {
    const [group, name] = [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)];
    const value = (facts as unknown as Record<string, Record<string, unknown>>)[group]?.[name];
    read[path] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  for (const slug of referencedTagSlugs(rule)) read[`tag:${slug}`] = facts.tags.includes(slug);
  for (const key of referencedSegmentKeys(rule)) read[`segment:${key}`] = facts.segments.includes(key);
  const text = JSON.stringify(rule);
  if (text.includes('"event_count"')) read.events = facts.events.length;
  if (/"order_(count|total)"/.test(text)) read.orders = facts.orders.length;
  return read;
};

/** The top-level parts of a rule (the arguments of a top-level and/or), each with its JSON pointer. */
const partsOf = (rule: unknown): Array<{ pointer: string; rule: unknown }> => {
  if (rule && typeof rule === 'object' && !Array.isArray(rule)) {
    const [op, args] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
    if ((op === 'and' || op === 'or') && Array.isArray(args)) return args.map((arg, i) => ({ pointer: `/${op}/${i}`, rule: arg }));
  }
  return [{ pointer: '', rule }];
};

/**
 * The conditions' value for one customer, and each top-level part's value with the facts it read.
 * No conditions: they pass. A missing customer: they do not, with no parts.
 */
export const explainConditions = async (
  strapi: Core.Strapi,
  conditions: unknown,
  customerId: number,
  now: Date
): Promise<{ pass: boolean; conditions: ConditionExplanation[] }> => {
  if (conditions === null || conditions === undefined) return { pass: true, conditions: [] };
  const facts = await loadFacts(knexOf(strapi), customerId, { now });
  if (!facts) return { pass: false, conditions: [] };
  const pass = compileEvaluator(conditions)(facts, { now });
  const parts = partsOf(conditions).map(({ pointer, rule }) => ({
    pointer,
    text: JSON.stringify(rule),
    value: compileEvaluator(rule)(facts, { now }),
    facts: factsRead(rule, facts),
  }));
  return { pass, conditions: parts };
};
