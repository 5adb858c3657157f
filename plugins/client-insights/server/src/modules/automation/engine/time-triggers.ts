import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { EventFilters, Trigger } from '../../../../../shared/contracts/automation-definition';
import { besideTransaction, bindDate, elapsedDays, readDate } from '../../../core/db/dialect';
import { raw } from '../../../core/db/sql-fragment';
import { HOST_TABLES as H, TABLES } from '../../../core/db/tables';
import { DATE_TRIGGER_FIELDS } from '../catalogue';
import { addCounts, emptyCounts, fireCandidates, type Candidate, type FireCounts } from './occurrences';
import type { ActiveVersion } from './versions';

/**
 * Time triggers (absence, date, inactivity, schedule), run by scheduler jobs once across nodes.
 * Candidates are found in SQL a page at a time (never every customer in memory) and decided by
 * occurrences.ts in one transaction per page; each carries a trigger key naming the moment it
 * stands for, so a second tick (or a second node) finds the key taken and fires nothing.
 */
const PAGE = 1_000;
const DAY_MS = 86_400_000;
/** How far back a time trigger looks for a moment it has not decided yet (a scheduler down for days). */
const LOOKBACK_MS = 30 * DAY_MS;

type Page = { candidates: Candidate[]; next: unknown | null };
type Pager = (knex: Knex, cursor: unknown | null) => Promise<Page>;

/** Runs every page of `pager`, each page decided in its own transaction. */
const firePages = async (knex: Knex, version: ActiveVersion, pager: Pager, now: Date): Promise<FireCounts> => {
  const total = emptyCounts();
  let cursor: unknown | null = null;
  do {
    const page = await pager(knex, cursor);
    if (page.candidates.length)
      addCounts(total, await knex.transaction((trx) => fireCandidates(trx, version, page.candidates, now, besideTransaction(knex, trx))));
    cursor = page.next;
  } while (cursor !== null);
  return total;
};

const durationMs = (d: { amount: number; unit: 'minutes' | 'hours' | 'days' }) => d.amount * { minutes: 60_000, hours: 3_600_000, days: DAY_MS }[d.unit];

/**
 * The events that open an absence window, as `e(customer_id, type, occurred_at)`: the activity
 * copy, or the interactions themselves when the trigger filters on channel or campaign (the copy
 * has neither).
 */
const firstEvents = (knex: Knex, type: string, filters: EventFilters | undefined) => {
  if (filters?.channel === undefined && filters?.campaignId === undefined) return `${TABLES.customerEvents} as e`;
  const q = knex(`${H.interactions} as i`)
    .join(`${H.interactionCustomer.table} as il`, `il.${H.interactionCustomer.interaction}`, 'i.id')
    .where('i.type', type)
    .select({ customer_id: `il.${H.interactionCustomer.customer}` }, 'i.type', 'i.occurred_at');
  if (filters.channel !== undefined) q.where('i.channel', filters.channel);
  if (filters.campaignId !== undefined)
    q.whereExists(
      knex(`${H.interactionCampaign.table} as cl`)
        .select(knex.raw('1'))
        .whereRaw(`cl.${H.interactionCampaign.interaction} = i.id`)
        .where(`cl.${H.interactionCampaign.campaign}`, filters.campaignId)
    );
  return q.as('e');
};

/** Event `event` at t and no `missing` in (t, t + within], for windows that closed since activation (and within the lookback). */
export const absencePager =
  (version: ActiveVersion, now: Date): Pager =>
  async (knex, cursor) => {
    const trigger = version.definition.trigger as Extract<Trigger, { type: 'absence' }>;
    const within = durationMs(trigger.within);
    const closedAfter = Math.max(version.activatedAt.getTime(), now.getTime() - LOOKBACK_MS);
    const after = cursor as { customerId: number; at: Date } | null;
    const followed = elapsedDays(knex, raw('e.occurred_at'), raw('b.occurred_at'));
    const q = knex
      .from(firstEvents(knex, trigger.event, trigger.filters))
      .where('e.type', trigger.event)
      .where('e.occurred_at', '>', bindDate(knex, new Date(closedAfter - within)))
      .where('e.occurred_at', '<=', bindDate(knex, new Date(now.getTime() - within)))
      .whereNotExists(
        knex(`${TABLES.customerEvents} as b`)
          .select(knex.raw('1'))
          .whereRaw('b.customer_id = e.customer_id')
          .where('b.type', trigger.missing)
          .whereRaw('b.occurred_at > e.occurred_at')
          .whereRaw(`${followed.sql} <= ?`, [...followed.bindings, within / DAY_MS] as any)
      )
      .orderBy([{ column: 'e.customer_id' }, { column: 'e.occurred_at' }])
      .limit(PAGE)
      .select('e.customer_id', 'e.occurred_at');
    if (after)
      q.where((w) =>
        w
          .where('e.customer_id', '>', after.customerId)
          .orWhere((x) => x.where('e.customer_id', after.customerId).where('e.occurred_at', '>', bindDate(knex, after.at)))
      );
    const rows = (await q) as any[];
    const candidates = rows.map((r) => {
      const at = readDate(r.occurred_at)!;
      return {
        customerId: Number(r.customer_id),
        triggerKey: `absence:${trigger.event}:${at.toISOString()}`,
        context: { event: trigger.event, missing: trigger.missing, occurredAt: at.toISOString() },
      };
    });
    const last = rows[rows.length - 1];
    return { candidates, next: rows.length === PAGE ? { customerId: Number(last.customer_id), at: readDate(last.occurred_at)! } : null };
  };

/** No event of the type for `days` days, keyed by the last one: fires once per quiet spell. Customers with no such event at all are not candidates. */
export const inactivityPager =
  (version: ActiveVersion, now: Date): Pager =>
  async (knex, cursor) => {
    const trigger = version.definition.trigger as Extract<Trigger, { type: 'inactivity' }>;
    const last = knex(TABLES.customerEvents)
      .select('customer_id')
      .max({ last_at: 'occurred_at' })
      .where('customer_id', '>', Number(cursor ?? 0))
      .groupBy('customer_id');
    if (trigger.event) last.where('type', trigger.event);
    const rows = (await knex
      .from(last.as('s'))
      .where('s.last_at', '<=', bindDate(knex, new Date(now.getTime() - trigger.days * DAY_MS)))
      // Already decided for this spell: an occurrence of the rule since the last event.
      .whereNotExists(
        knex(`${TABLES.automationOccurrences} as o`)
          .select(knex.raw('1'))
          .where('o.rule_doc', version.ruleDoc)
          .whereRaw('o.customer_id = s.customer_id')
          .whereRaw('o.fired_at >= s.last_at')
      )
      .orderBy('s.customer_id')
      .limit(PAGE)
      .select('s.customer_id', 's.last_at')) as any[];
    const type = trigger.event ?? 'any';
    const candidates = rows.map((r) => {
      const at = readDate(r.last_at)!;
      return {
        customerId: Number(r.customer_id),
        triggerKey: `inactivity:${type}:${at.toISOString()}`,
        context: { event: type, lastAt: at.toISOString(), days: trigger.days },
      };
    });
    return { candidates, next: rows.length === PAGE ? Number(rows[rows.length - 1].customer_id) : null };
  };

/** A datetime field of the catalogue (customer.* or metrics.*) with the SQL column behind it, or null. */
export const dateTriggerField = (path: string) => {
  const field = DATE_TRIGGER_FIELDS.find((f) => f.path === path);
  return field ? { ...field, column: `${field.group === 'customer' ? 'c' : 'm'}.${path.slice(path.indexOf('.') + 1)}` } : null;
};

export const isTimeZone = (zone: unknown): zone is string => typeof zone === 'string' && zone.length > 0 && DateTime.local().setZone(zone).isValid;

/**
 * The local days (in `zone`) whose firing moment `at` has passed, since activation and within
 * the last two days (a missed tick is caught up; older moments are not fired late).
 */
export const dueDays = (zone: string, at: string, activatedAt: Date, now: Date): string[] => {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const [hour, minute] = at.split(':').map(Number);
  const days: string[] = [];
  for (const back of [2, 1, 0]) {
    const day = today.minus({ days: back });
    const moment = day.set({ hour, minute }).toJSDate();
    if (moment <= now && moment >= activatedAt && now.getTime() - moment.getTime() <= 2 * DAY_MS) days.push(day.toISODate()!);
  }
  return days;
};

/** A date trigger: customers whose field, `days` shifted, falls on a due local day in their time zone. */
export const datePager =
  (version: ActiveVersion, now: Date, defaultZone: string): Pager =>
  async (knex, cursor) => {
    const trigger = version.definition.trigger as Extract<Trigger, { type: 'date' }>;
    const column = dateTriggerField(trigger.field)?.column;
    if (!column) return { candidates: [], next: null };
    // Cursor: [zone index, day index, last customer id]; zones are the stored ones (few), read once per page.
    const zones = ((await knex(H.customers).distinct('timezone').orderBy('timezone')) as any[]).map((r) => (r.timezone === undefined ? null : r.timezone));
    let [zi, di, after] = (cursor as [number, number, number] | null) ?? [0, 0, 0];
    for (; zi < zones.length; zi += 1, di = 0, after = 0) {
      const stored = zones[zi] as string | null;
      const zone = isTimeZone(stored) ? stored : defaultZone;
      const days = dueDays(zone, trigger.at, version.activatedAt, now);
      for (; di < days.length; di += 1, after = 0) {
        // The field's local date is the firing day minus `days`.
        const fieldDay = DateTime.fromISO(days[di], { zone }).minus({ days: trigger.days });
        const q = knex(`${H.customers} as c`)
          .leftJoin(`${TABLES.metrics} as m`, 'm.customer_id', 'c.id')
          .where(column, '>=', bindDate(knex, fieldDay.toJSDate()))
          .where(column, '<', bindDate(knex, fieldDay.plus({ days: 1 }).toJSDate()))
          .where('c.id', '>', after)
          .orderBy('c.id')
          .limit(PAGE)
          .select('c.id', { value: column });
        if (stored === null) q.whereNull('c.timezone');
        else q.where('c.timezone', stored);
        const rows = (await q) as any[];
        if (!rows.length) continue;
        const candidates = rows.map((r) => ({
          customerId: Number(r.id),
          triggerKey: `date:${trigger.field}:${days[di]}`,
          context: { field: trigger.field, value: readDate(r.value)?.toISOString() ?? null, day: days[di], timezone: zone },
        }));
        const next: [number, number, number] = rows.length === PAGE ? [zi, di, Number(rows[rows.length - 1].id)] : [zi, di + 1, 0];
        return { candidates, next };
      }
    }
    return { candidates: [], next: null };
  };

/** `schedule:<tick>` for every current member of the trigger's segment. */
export const schedulePager =
  (version: ActiveVersion, tick: Date): Pager =>
  async (knex, cursor) => {
    const trigger = version.definition.trigger as Extract<Trigger, { type: 'schedule' }>;
    const slot = new Date(Math.floor(tick.getTime() / 1000) * 1000).toISOString();
    const rows = (await currentMembers(knex, trigger.segmentId)
      .where('m.customer_id', '>', Number(cursor ?? 0))
      .orderBy('m.customer_id')
      .limit(PAGE)) as any[];
    const candidates = rows.map((r) => ({
      customerId: Number(r.customer_id),
      triggerKey: `schedule:${slot}`,
      context: { segmentId: trigger.segmentId, tick: slot },
    }));
    return { candidates, next: rows.length === PAGE ? Number(rows[rows.length - 1].customer_id) : null };
  };

/** A segment's current members (ci_segment_current's run). */
export const currentMembers = (knex: Knex, segmentId: number) =>
  knex(`${TABLES.segmentMembers} as m`)
    .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
    .where('m.segment_id', segmentId)
    .select('m.customer_id');

/** One pass of the absence, date and inactivity triggers of the active rules. */
export const runTimeTriggers = async (knex: Knex, versions: ActiveVersion[], now: Date, defaultZone: string): Promise<FireCounts> => {
  const total = emptyCounts();
  for (const version of versions) {
    const { trigger } = version.definition;
    const pager =
      trigger.type === 'absence'
        ? absencePager(version, now)
        : trigger.type === 'inactivity'
          ? inactivityPager(version, now)
          : trigger.type === 'date'
            ? datePager(version, now, defaultZone)
            : null;
    if (pager) addCounts(total, await firePages(knex, version, pager, now));
  }
  return total;
};

/** One tick of a schedule trigger (idempotent per tick). */
export const runScheduleTick = (knex: Knex, version: ActiveVersion, tick: Date, now = new Date()): Promise<FireCounts> =>
  firePages(knex, version, schedulePager(version, tick), now);
