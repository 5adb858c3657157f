import type { Knex } from 'knex';
import { readDate } from '../../core/db/dialect';
import { TABLES, type HostTables } from '../../core/db/tables';
import { maskContact } from '../customers/mask';
import { GROUP_REPRESENTATIVES, type ValueCard, type ValueCards, type ValueGroup, type ValueGroupQuery } from '../../../../shared/contracts/values';
import { QUADRANTS, RFM_SEGMENTS, type ValueCardKind } from '../../../../shared/enums';
import { migrationRuns } from './reports';
import { QUADRANT_STRATEGY, SEGMENT_STRATEGY } from './suggestions';

/**
 * The value page's strategy cards and the details shown on hovering a chart's cell or bubble.
 * Both count the latest scores of customers that still exist, `s` (ci_customer_scores) joined to
 * `c` (customers): exactly the customers the customer list's score filters list.
 */
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown) => readDate(v)?.toISOString() ?? null;

/** The score column a card kind groups by. */
export const CARD_COLUMN: Record<ValueCardKind, 'rfm_segment' | 'quadrant'> = { rfmSegment: 'rfm_segment', quadrant: 'quadrant' };

export const scoredCustomers = (knex: Knex, tables: HostTables) => knex(`${TABLES.scores} as s`).join(`${tables.customers} as c`, 'c.id', 's.customer_id');

/** The UTC day a card's follow-up tasks are counted in (YYYY-MM-DD). */
export const utcDay = (now: Date) => now.toISOString().slice(0, 10);

const countsBy = async (query: Knex.QueryBuilder, column: string): Promise<Map<string, number>> =>
  new Map((await query.groupBy(column).select(`${column} as key`).count({ n: '*' })).map((r: any) => [String(r.key), Number(r.n)]));

/** One card per RFM segment, then one per quadrant; sizes now, the previous calculation's sizes and today's tasks. */
export const valueCards = async (knex: Knex, tables: HostTables, now = new Date()): Promise<ValueCards> => {
  const { to, from } = await migrationRuns(knex);
  if (to === undefined) return { runId: null, calculatedAt: null, previousRunId: null, previousCalculatedAt: null, scored: 0, cards: [] };
  const runs = new Map(
    (
      await knex(TABLES.valueRuns)
        .whereIn('id', from === undefined ? [to] : [to, from])
        .select('id', 'started_at')
    ).map((r: any) => [Number(r.id), iso(r.started_at)])
  );
  const scored = Number((await scoredCustomers(knex, tables).count({ n: '*' }).first())?.n ?? 0);
  const sizes = {
    rfmSegment: await countsBy(scoredCustomers(knex, tables), 's.rfm_segment'),
    quadrant: await countsBy(scoredCustomers(knex, tables), 's.quadrant'),
  };
  // The previous calculation's sizes as it counted them (its history rows).
  const before =
    from === undefined
      ? null
      : {
          rfmSegment: await countsBy(knex(TABLES.valueHistory).where({ run_id: from }), 'rfm_segment'),
          quadrant: await countsBy(knex(TABLES.valueHistory).where({ run_id: from }), 'quadrant'),
        };
  const tasks = new Map(
    (
      await knex(TABLES.valueCardTasks)
        .where({ day: utcDay(now) })
        .select('card_kind', 'card_key', 'tasks', 'created_at')
    ).map((r: any) => [`${r.card_kind}:${r.card_key}`, { tasks: Number(r.tasks), at: iso(r.created_at) }])
  );
  const card = (kind: ValueCardKind, key: string, strategy: ValueCard['strategy']): ValueCard => {
    const customers = sizes[kind].get(key) ?? 0;
    const previous = before ? (before[kind].get(key) ?? 0) : null;
    return {
      kind,
      key,
      customers,
      share: scored > 0 ? customers / scored : 0,
      previous,
      change: previous === null ? null : customers - previous,
      strategy,
      tasksToday: tasks.get(`${kind}:${key}`) ?? null,
    };
  };
  return {
    runId: to,
    calculatedAt: runs.get(to) ?? null,
    previousRunId: from ?? null,
    previousCalculatedAt: from === undefined ? null : (runs.get(from) ?? null),
    scored,
    cards: [
      ...RFM_SEGMENTS.map((key) => card('rfmSegment', key, SEGMENT_STRATEGY[key])),
      ...QUADRANTS.map((key) => card('quadrant', key, QUADRANT_STRATEGY[key])),
    ],
  };
};

/**
 * A group of the latest scores (a heatmap cell, a scatter bubble, a card): its size, averages of
 * the latest calculation's R, F and M figures and of CLV, and its highest-CLV customers, shown
 * under the viewer's contact rules (customers/mask.ts: names are shown, contact data is not sent).
 */
export const valueGroup = async (
  knex: Knex,
  tables: HostTables,
  latestRun: number | null,
  filter: ValueGroupQuery,
  sensitive: boolean
): Promise<ValueGroup> => {
  if (latestRun === null) return { runId: null, customers: 0, avgRecencyDays: null, avgFrequency: null, avgMonetary: null, avgClv: null, representatives: [] };
  const base = scoredCustomers(knex, tables).leftJoin(`${TABLES.valueHistory} as h`, (j) =>
    j.on('h.customer_id', 's.customer_id').andOn('h.run_id', knex.raw('?', [latestRun]))
  );
  const columns = { quadrant: 's.quadrant', rfmSegment: 's.rfm_segment', r: 's.r', f: 's.f', m: 's.m' } as const;
  for (const key of Object.keys(columns) as (keyof typeof columns)[]) if (filter[key] !== undefined) base.where(columns[key], filter[key]);
  if (filter.hasOrders !== undefined) base.where('h.has_orders', filter.hasOrders ? 1 : 0);
  const [totals, representatives] = await Promise.all([
    base
      .clone()
      .first(
        knex.raw('count(*) as n'),
        knex.raw('avg(h.recency_days) as recency'),
        knex.raw('avg(h.frequency) as frequency'),
        knex.raw('avg(h.monetary_capped) as monetary'),
        knex.raw('avg(s.clv) as clv')
      ),
    base.clone().orderByRaw('s.clv is null, s.clv desc').orderBy('s.customer_id').limit(GROUP_REPRESENTATIVES).select('c.id', 'c.name', 's.clv'),
  ]);
  const t = totals as any;
  return {
    runId: latestRun,
    customers: Number(t?.n ?? 0),
    avgRecencyDays: num(t?.recency),
    avgFrequency: num(t?.frequency),
    avgMonetary: num(t?.monetary),
    avgClv: num(t?.clv),
    representatives: representatives.map((r: any) => maskContact({ id: Number(r.id), name: r.name ?? null, clv: num(r.clv) }, sensitive)),
  };
};
