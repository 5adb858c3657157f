import type { Knex } from 'knex';
import { TABLES, type HostTables } from '../../../core/db/tables';
import { memberSelect, pagination, toMember, type Page } from '../runs';

/**
 * The membership a past run left, rebuilt from what is kept of it.
 *
 * What is kept per run: its member snapshot (ci_segment_members) only for the newest `retainRuns`
 * finished runs and the current one, and that snapshot is the membership as corrected in place by
 * data changes until the next run, not what the run itself computed; its added/removed lists
 * (ci_segment_changes) only as long as its snapshot; its enter/exit events (ci_segment_events)
 * for as long as the segment exists. Every run writes one event per customer it added or
 * removed (its first run: one per member), and every in-place correction writes one too, all in
 * order and under the segment's lock. So the membership right after run R is: each customer whose
 * latest event up to R's own events is an `enter`. R's own events are its first
 * (added + removed) events; corrections stamped with R's id come after its commit.
 */
export type RunRef = { id: number; segment_id: number; added_count: unknown; removed_count: unknown; customer_count: unknown };

const events = TABLES.segmentEvents;

/** The id of the last event that belongs to the membership right after `run` (0: none). */
export const boundaryOf = async (knex: Knex, run: RunRef): Promise<number> => {
  const own = Number(run.added_count ?? 0) + Number(run.removed_count ?? 0);
  const row =
    own > 0
      ? await knex
          .max({ b: 'e.id' })
          .from(knex(events).select('id').where({ segment_id: run.segment_id, run_id: run.id }).orderBy('id').limit(own).as('e'))
          .first()
      : await knex(events).where('segment_id', run.segment_id).where('run_id', '<', run.id).max({ b: 'id' }).first();
  return Number(row?.b ?? 0);
};

/** `customer_id` of each member right after the boundary event: the latest event of each customer up to it is an enter. */
export const replayQuery = (knex: Knex, segmentId: number, boundary: number) =>
  knex(`${events} as e`)
    .select('e.customer_id')
    .join(
      knex(events).select('customer_id').max({ last_id: 'id' }).where('segment_id', segmentId).where('id', '<=', boundary).groupBy('customer_id').as('l'),
      'l.last_id',
      'e.id'
    )
    .where('e.kind', 'enter');

const snapshotQuery = (knex: Knex, run: RunRef) => knex(TABLES.segmentMembers).select('customer_id').where({ segment_id: run.segment_id, run_id: run.id });

const countOf = async (q: Knex.QueryBuilder) => Number((await q.clone().clearSelect().count({ n: '*' }).first())?.n ?? 0);

export type Membership = {
  /** A query yielding `customer_id`, one row per member. */
  ids: Knex.QueryBuilder;
  /** How many rows `ids` yields (counted once here: at 300k members a count is a replay). */
  count: number;
  meta: { runId: number; source: 'events' | 'snapshot'; complete: boolean; customerCount: number | null };
};

/**
 * The run's membership: replayed from the events when they account for every member it recorded;
 * otherwise (an erased customer: erasure deletes their events and snapshot rows) its retained
 * snapshot if there is one, else the replay marked incomplete.
 */
export const membershipOf = async (knex: Knex, run: RunRef): Promise<Membership> => {
  const recorded = run.customer_count === null || run.customer_count === undefined ? null : Number(run.customer_count);
  const replay = replayQuery(knex, run.segment_id, await boundaryOf(knex, run));
  const replayed = await countOf(knex.from(replay.as('r')));
  const meta = { runId: run.id, customerCount: recorded };
  if (recorded === null || replayed === recorded) return { ids: replay, count: replayed, meta: { ...meta, source: 'events', complete: true } };
  const snapshot = snapshotQuery(knex, run);
  const kept = await countOf(snapshot);
  if (kept > 0) return { ids: snapshot, count: kept, meta: { ...meta, source: 'snapshot', complete: kept === recorded } };
  return { ids: replay, count: replayed, meta: { ...meta, source: 'events', complete: false } };
};

/** A page of customers, ordered by id, from a query of their ids (customer columns as a run's member pages); `total` when already counted. */
export const customersPage = async (knex: Knex, tables: HostTables, ids: Knex.QueryBuilder, page: Page, counted?: number) => {
  const base = () => knex(ids.clone().as('k'));
  const total = counted ?? Number((await base().count({ n: '*' }).first())?.n ?? 0);
  const rows = await base()
    .leftJoin(`${tables.customers} as c`, 'c.id', 'k.customer_id')
    .leftJoin(`${TABLES.metrics} as mt`, 'mt.customer_id', 'k.customer_id')
    .select(memberSelect)
    .orderBy('k.customer_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  return { data: rows.map(toMember), meta: { pagination: pagination(page, total) } };
};

/** Customers in `a` and not in `b` (both id queries). */
export const minus = (knex: Knex, a: Knex.QueryBuilder, b: Knex.QueryBuilder) =>
  knex(a.clone().as('x'))
    .select('x.customer_id')
    .whereNotExists(knex(b.clone().as('y')).select(knex.raw('1')).where('y.customer_id', knex.ref('x.customer_id')));

export const countIds = (knex: Knex, ids: Knex.QueryBuilder) => countOf(knex.from(ids.clone().as('q')));
