import type { Knex } from 'knex';
import { insertSelect } from '../../core/db/insert-select';
import { raw, sql } from '../../core/db/sql-fragment';
import { bindDate, joinNumberedPairs, upsertRows, withLock } from '../../core/db/dialect';
import { TABLES, type HostTables } from '../../core/db/tables';

/**
 * Each customer's primary segment: among the active segments whose current membership holds the
 * customer, the lowest priority number wins; ties go to the lowest segment id (deterministic).
 * Stored in ci_customer_primary_segment; recomputed for the customers a change touched: in one
 * SQL statement for a whole segment or table, by customer id lists for a run's changes.
 */
export type PrimaryScope = 'all' | { runId: number } | { customerIds: number[] } | { segmentId: number };

const scopeQuery = (knex: Knex, scope: Exclude<PrimaryScope, 'all'>) => {
  if ('runId' in scope) return knex(TABLES.segmentChanges).select('customer_id').where('run_id', scope.runId);
  if ('segmentId' in scope) return knex(TABLES.segmentMembers).select('customer_id').where('segment_id', scope.segmentId);
  return null;
};

/** Up to this many changed customers, a run's primary segments are recomputed by id lists. */
const BY_IDS_MAX = 20_000;

type Rank = { segment_id: number; priority: number };
const ranksBefore = (a: Rank, b: Rank) => a.priority < b.priority || (a.priority === b.priority && a.segment_id < b.segment_id);

const STORED = ['segment_id', 'priority', 'updated_at'];
const primaryRow = (customer_id: number, { segment_id, priority }: Rank, updatedAt: Date | number) => ({
  customer_id,
  segment_id,
  priority,
  updated_at: updatedAt,
});

/**
 * Replaces the stored primary segments of `customerIds` by `ranks`: overwritten in place (one
 * upsert, no delete and insert of the same keys), and removed for customers left without one.
 */
const storePrimary = async (knex: Knex, customerIds: number[], ranks: Map<number, Rank>, now: Date) => {
  const none = customerIds.filter((id) => !ranks.has(id));
  if (none.length) await knex(TABLES.primarySegment).whereIn('customer_id', none).delete();
  const updatedAt = bindDate(knex, now);
  const rows = [...ranks].map(([customerId, rank]) => primaryRow(customerId, rank, updatedAt));
  await upsertRows(knex, TABLES.primarySegment, 'customer_id', rows, STORED);
};

type Current = Rank & { run_id: number };

/** The active segments and their current runs, best rank first. */
const currentRanks = async (knex: Knex, tables: HostTables): Promise<Current[]> => {
  const rows = await knex(`${TABLES.segmentCurrent} as cur`)
    .join(`${tables.segments} as s`, 's.id', 'cur.segment_id')
    .where('s.segment_status', 'active')
    .select('cur.segment_id', 'cur.run_id', knex.raw('coalesce(s.priority, 100) as priority'));
  return rows
    .map((r) => ({ segment_id: Number(r.segment_id), run_id: Number(r.run_id), priority: Number(r.priority) }))
    .sort((x, y) => (ranksBefore(x, y) ? -1 : ranksBefore(y, x) ? 1 : 0));
};

/**
 * The best-ranked current segment of each customer of `ids` (customers in none are left out).
 * The members table is read by its customer index only: `+ 0` keeps the planner from walking each
 * segment's primary key instead, filtering every member of every segment on the ids (and all
 * their heap pages while the visibility map lags bulk writes). Where the database can join the
 * ranking as a table, one row per customer comes back; elsewhere every membership row does (all
 * runs retained), ranked here.
 */
const bestRanks = async (knex: Knex, ranked: Current[], ids: number[]): Promise<Map<number, Rank>> => {
  const best = new Map<number, Rank>();
  const query = knex(`${TABLES.segmentMembers} as m`).whereIn('m.customer_id', ids);
  const pairs = ranked.map((c): [number, number] => [c.segment_id, c.run_id]);
  if (joinNumberedPairs(knex, query, 'r', ['segment_id', 'run_id'], pairs, 'r.segment_id = m.segment_id + 0 and r.run_id = m.run_id + 0')) {
    for (const row of await query.groupBy('m.customer_id').select('m.customer_id', knex.raw('min(r.pos) as pos')))
      best.set(Number(row.customer_id), ranked[Number(row.pos) - 1]);
    return best;
  }
  const current = new Map(ranked.map((c) => [c.segment_id, c]));
  for (const m of await query.select('m.segment_id', 'm.run_id', 'm.customer_id')) {
    const segment = current.get(Number(m.segment_id));
    if (!segment || segment.run_id !== Number(m.run_id)) continue;
    const held = best.get(Number(m.customer_id));
    if (!held || ranksBefore(segment, held)) best.set(Number(m.customer_id), segment);
  }
  return best;
};

/** The same ranking for a list of customers, by chunks of ids (see bestRanks). */
const recomputeForCustomers = async (knex: Knex, tables: HostTables, customerIds: number[], now: Date) => {
  if (customerIds.length === 0) return;
  const ranked = await currentRanks(knex, tables);
  for (let i = 0; i < customerIds.length; i += 1000) {
    const chunk = customerIds.slice(i, i + 1000);
    await storePrimary(knex, chunk, await bestRanks(knex, ranked, chunk), now);
  }
};

/**
 * After a run of segment S, only S's memberships changed, so the stored primary segments say
 * where each changed customer stands: an added customer becomes S's if S ranks before its stored
 * primary, and a removed customer needs the ranking again only if its primary was S. That keeps
 * the membership rows of other segments out of most runs. It holds while the run is S's current
 * one and S is active; an older run settled late (recovery) is ranked again in full. False when
 * the changes are too many for id lists.
 */
const settleRunChanges = async (knex: Knex, tables: HostTables, runId: number, now: Date): Promise<boolean> => {
  const changes: { customer_id: number | string; change: string }[] = await knex(TABLES.segmentChanges)
    .where('run_id', runId)
    .select('customer_id', 'change')
    .limit(BY_IDS_MAX + 1);
  if (changes.length > BY_IDS_MAX) return false;
  const run = await knex(`${TABLES.segmentRuns} as r`)
    .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'r.segment_id').andOn('cur.run_id', 'r.id'))
    .join(`${tables.segments} as s`, 's.id', 'r.segment_id')
    .where({ 'r.id': runId, 's.segment_status': 'active' })
    .first('s.id', knex.raw('coalesce(s.priority, 100) as priority'));
  const ids = (change?: string) => changes.filter((c) => !change || c.change === change).map((c) => Number(c.customer_id));
  if (!run) {
    await recomputeForCustomers(knex, tables, ids(), now);
    return true;
  }
  const [segmentId, priority] = [Number(run.id), Number(run.priority)];
  // By id lists, never joined to the changes: the planner would hash the whole table to probe them.
  const leaving: number[] = [];
  const removed = ids('removed');
  for (let i = 0; i < removed.length; i += 1000)
    for (const r of await knex(TABLES.primarySegment)
      .whereIn('customer_id', removed.slice(i, i + 1000))
      .where('segment_id', segmentId)
      .select('customer_id'))
      leaving.push(Number(r.customer_id));
  // Added: S becomes the primary of those with none, and replaces a stored one that ranks after it.
  const updatedAt = bindDate(knex, now);
  const stored = raw(TABLES.primarySegment);
  await upsertRows(
    knex,
    TABLES.primarySegment,
    'customer_id',
    ids('added').map((customerId) => primaryRow(customerId, { segment_id: segmentId, priority }, updatedAt)),
    STORED,
    sql`${stored}.priority > ${priority} or (${stored}.priority = ${priority} and ${stored}.segment_id > ${segmentId})`
  );
  // Removed: those whose primary was S are ranked again.
  await recomputeForCustomers(knex, tables, leaving, now);
  return true;
};

export const recomputePrimary = async (knex: Knex, tables: HostTables, scope: PrimaryScope, now = new Date()) => {
  const ranked = knex(`${TABLES.segmentMembers} as m`)
    .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
    .join(`${tables.segments} as s`, 's.id', 'm.segment_id')
    .where('s.segment_status', 'active')
    .select('m.customer_id', { segment_id: 's.id' })
    .select(knex.raw('coalesce(s.priority, 100) as priority'))
    .select(knex.raw('row_number() over (partition by m.customer_id order by coalesce(s.priority, 100), s.id) as rn'));
  const apply = async (limit: (q: Knex.QueryBuilder, column: string) => void) => {
    const del = knex(TABLES.primarySegment);
    limit(del, 'customer_id');
    await del.delete();
    const q = ranked.clone();
    limit(q, 'm.customer_id');
    const firstRanked = knex
      .select('r.customer_id', 'r.segment_id', 'r.priority')
      .select(knex.raw('? as updated_at', [bindDate(knex, now)]))
      .from(q.as('r'))
      .where('r.rn', 1);
    await insertSelect(knex, TABLES.primarySegment, ['customer_id', 'segment_id', 'priority', 'updated_at'], firstRanked);
  };
  if (scope === 'all') return apply(() => undefined);
  if ('customerIds' in scope) return recomputeForCustomers(knex, tables, scope.customerIds, now);
  // A run's changes are usually few: read by id, their cost does not depend on other segments.
  // As a subquery the planner may walk every member of every segment to probe the changes
  // instead (seconds at 1M, even for a run that changed nothing).
  if ('runId' in scope && (await settleRunChanges(knex, tables, scope.runId, now))) return;
  // The scope subquery reads other tables than the one written, so MySQL accepts it.
  await apply((q, column) => q.whereIn(column, scopeQuery(knex, scope)!));
};

/** Held by every writer of primary segments, across all segments and nodes. */
export const PRIMARY_LOCK = 'segments:primary';

/**
 * Recomputes primary segments for `scope` in its own transaction, one writer at a time across all
 * segments and nodes: two runs touching the same customers would otherwise race on their rows.
 * Runs after a swap has committed, so every statement sees the newest current memberships.
 */
export const refreshPrimary = async (knex: Knex, tables: HostTables, scope: PrimaryScope, after?: (trx: Knex.Transaction) => Promise<unknown>) => {
  await withLock(knex, PRIMARY_LOCK, () =>
    knex.transaction(async (trx) => {
      await recomputePrimary(trx, tables, scope);
      await after?.(trx);
    })
  );
};
