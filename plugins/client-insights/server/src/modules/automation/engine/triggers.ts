import type { Knex } from 'knex';
import type { EventFilters, Trigger } from '../../../../../shared/contracts/automation-definition';
import { besideTransaction, readDate, withLock } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { addCounts, emptyCounts, fireCandidates, type Candidate, type FireCounts } from './occurrences';
import { decidedInSql, fireRunPage, type RunPage } from './run-expansion';
import { activeVersions, type ActiveVersion } from './versions';

/**
 * Processing the inbox: a batch of rows in id order, matched against the active rules' event
 * triggers, decided (occurrences.ts) and deleted, all in one transaction. A crash before the
 * commit leaves the rows for the next pass; a row processed twice meets its own occurrence keys
 * (`<event>:<ref>`, unique per rule and customer) and fires nothing more.
 */
export type EventRow = {
  event: string;
  customerId: number;
  ref: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
  /** Read from a segment run's page: rules decided in SQL take the page instead (run-expansion.ts). */
  fromRun?: boolean;
};

/** Segment-run rows expand into their ci_segment_events rows this many at a time. */
const RUN_PAGE = 2_000;

const json = (text: unknown): Record<string, unknown> => {
  if (text === null || text === undefined) return {};
  try {
    const value = typeof text === 'string' ? JSON.parse(text) : text;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const FILTER_FIELDS: Record<keyof EventFilters, string> = {
  channel: 'channel',
  campaignId: 'campaignId',
  segmentId: 'segmentId',
  tagId: 'tagId',
  toStage: 'to',
};

/** Every filter given must equal the event's property (absent property: no match). */
export const filtersMatch = (filters: EventFilters | undefined, payload: Record<string, unknown>): boolean =>
  Object.entries(filters ?? {}).every(([name, wanted]) => wanted === undefined || payload[FILTER_FIELDS[name as keyof EventFilters]] === wanted);

export const eventMatches = (trigger: Trigger, event: EventRow): boolean =>
  trigger.type === 'event' && trigger.event === event.event && filtersMatch(trigger.filters, event.payload);

export const triggerKeyOf = (event: EventRow) => `${event.event}:${event.ref}`;

/** What a run's inbox row expands to, a page at a time after `cursor`; `done` when the page was the last. */
type Expansion = { events: EventRow[]; last: number; page?: RunPage; done: boolean };
type RunRow = { yields: string[]; expand: (trx: Knex, payload: Record<string, unknown>, occurredAt: Date, cursor: number) => Promise<Expansion> };

/** A segment run: its ci_segment_events rows. */
const expandSegmentRun: RunRow['expand'] = async (trx, payload, occurredAt, cursor) => {
  const rows = await trx(TABLES.segmentEvents)
    .where({ segment_id: Number(payload.segmentId), run_id: Number(payload.runId) })
    .where('id', '>', cursor)
    .where('id', '<=', Number(payload.lastEventId ?? 0))
    .orderBy('id')
    .limit(RUN_PAGE)
    .select('id', 'customer_id', 'kind');
  const events: EventRow[] = rows.map((r: any) => ({
    event: `segment.${r.kind}`,
    customerId: Number(r.customer_id),
    ref: String(r.id),
    payload: { segmentId: Number(payload.segmentId) },
    occurredAt,
    fromRun: true,
  }));
  const last = rows.length ? Number(rows[rows.length - 1].id) : cursor;
  const page: RunPage = { segmentId: Number(payload.segmentId), runId: Number(payload.runId), after: cursor, upTo: last, occurredAt };
  return { events, last, page, done: rows.length < RUN_PAGE };
};

/** A value refresh: the customers with a quadrant in it and in the run before, the two different, in customer order. */
const expandValueRun: RunRow['expand'] = async (trx, payload, occurredAt, cursor) => {
  const runId = Number(payload.runId);
  const rows = await trx(`${TABLES.valueHistory} as h`)
    .join(`${TABLES.valueHistory} as p`, (j) => j.on('p.customer_id', 'h.customer_id').andOnVal('p.run_id', '=', Number(payload.previousRunId)))
    .where('h.run_id', runId)
    .where('h.customer_id', '>', cursor)
    .whereRaw('p.quadrant <> h.quadrant')
    .orderBy('h.customer_id')
    .limit(RUN_PAGE)
    .select('h.customer_id', { from: 'p.quadrant' }, { to: 'h.quadrant' });
  const events: EventRow[] = rows.map((r: any) => ({
    event: 'quadrant.changed',
    customerId: Number(r.customer_id),
    ref: `${runId}:${r.customer_id}`,
    payload: { runId, from: r.from, to: r.to },
    occurredAt,
  }));
  return { events, last: rows.length ? Number(rows[rows.length - 1].customer_id) : cursor, done: rows.length < RUN_PAGE };
};

/** Inbox rows that stand for a whole run (one row per run, however many customers it moved). */
const RUN_ROWS = new Map<string, RunRow>([
  ['segment.run', { yields: ['segment.enter', 'segment.exit'], expand: expandSegmentRun }],
  ['values.run', { yields: ['quadrant.changed'], expand: expandValueRun }],
]);

/** One batch in one transaction: how many inbox rows it handled (0: the inbox is empty). */
export const processInboxBatch = async (
  knex: Knex,
  { batch = 200, now = new Date(), running }: { batch?: number; now?: Date; running?: ActiveVersion[] } = {}
): Promise<{ rows: number; counts: FireCounts }> => {
  const versions = (running ?? (await activeVersions(knex))).filter((v) => v.definition.trigger.type === 'event');
  return knex.transaction(async (trx) => {
    const rows = await trx(TABLES.automationInbox).orderBy('id').limit(batch).select('*');
    const counts = emptyCounts();
    if (!rows.length) return { rows: 0, counts };
    const events: EventRow[] = [];
    const pages: RunPage[] = [];
    const handled: number[] = [];
    for (const row of rows as any[]) {
      const payload = json(row.payload);
      const occurredAt = readDate(row.occurred_at) ?? now;
      const run = RUN_ROWS.get(row.event);
      if (run) {
        // Nobody listens: the run is done with, not read (a value refresh at 1M customers is 500 pages).
        if (!versions.some((v) => v.definition.trigger.type === 'event' && run.yields.includes(v.definition.trigger.event))) {
          handled.push(Number(row.id));
          continue;
        }
        // A big run is expanded a page per batch; its cursor commits with the page's occurrences.
        const page = await run.expand(trx, payload, occurredAt, Number(payload.cursor ?? 0));
        events.push(...page.events);
        if (page.page && page.last > page.page.after) pages.push(page.page);
        if (page.done) handled.push(Number(row.id));
        else
          await trx(TABLES.automationInbox)
            .where('id', row.id)
            .update({ payload: JSON.stringify({ ...payload, cursor: page.last }) });
        if (!page.done) break;
        continue;
      }
      handled.push(Number(row.id));
      if (row.customer_id !== null) events.push({ event: row.event, customerId: Number(row.customer_id), ref: String(row.ref), payload, occurredAt });
    }
    for (const version of versions) {
      const trigger = version.definition.trigger;
      const inSql = decidedInSql(version) && trigger.type === 'event' && (trigger.event === 'segment.enter' || trigger.event === 'segment.exit');
      if (inSql)
        for (const page of pages)
          if (filtersMatch(trigger.filters, { segmentId: page.segmentId }))
            addCounts(counts, await fireRunPage(trx, version, trigger.event === 'segment.enter' ? 'enter' : 'exit', page, now));
      const candidates: Candidate[] = events
        .filter((e) => !(inSql && e.fromRun) && eventMatches(trigger, e))
        .map((e) => ({
          customerId: e.customerId,
          triggerKey: triggerKeyOf(e),
          context: { event: e.event, ref: e.ref, occurredAt: e.occurredAt.toISOString(), ...e.payload },
        }));
      if (candidates.length) addCounts(counts, await fireCandidates(trx, version, candidates, now, besideTransaction(knex, trx)));
    }
    for (let i = 0; i < handled.length; i += 500)
      await trx(TABLES.automationInbox)
        .whereIn('id', handled.slice(i, i + 500))
        .delete();
    return { rows: rows.length, counts };
  });
};

/** Drains the inbox under a cross-node lock (another node draining: this one skips the pass, unless `wait`). */
export const drainInbox = async (knex: Knex, options: { batch?: number; maxBatches?: number; wait?: boolean } = {}): Promise<FireCounts> => {
  const total = emptyCounts();
  await withLock(
    knex,
    'automation:inbox',
    async () => {
      // Read once per pass, past the cache: a rule activated a moment ago fires on the events after it.
      const running = await activeVersions(knex, { fresh: true });
      for (let i = 0; i < (options.maxBatches ?? 1_000); i += 1) {
        const { rows, counts } = await processInboxBatch(knex, { batch: options.batch, running });
        addCounts(total, counts);
        if (!rows) break;
      }
    },
    { wait: options.wait ?? false }
  );
  return total;
};

/** Versions whose trigger is of `type` (time triggers and manual fires reuse the cache). */
export const versionsOfType = async (knex: Knex, type: Trigger['type']): Promise<ActiveVersion[]> =>
  (await activeVersions(knex)).filter((v) => v.definition.trigger.type === type);
