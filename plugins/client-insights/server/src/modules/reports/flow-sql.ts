import type { Knex } from 'knex';
import { bindDate, dateParam, rowsOf } from '../../core/db/dialect';
import { raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES } from '../../core/db/tables';
import { membershipIntervals } from './membership';

/** The "none" node's id in SQL (segment ids start at 1). */
export const NONE = 0;

/**
 * An interval `iv` holds the customer just before instant `at`: every event before `at` applied
 * (entered before it, not left before it). Start and end of a flow use the same rule, so an exit at
 * the very start instant still counts as a member at the start.
 */
const heldAt = (at: Sql): Sql => sql`(iv.start_at is null or iv.start_at < ${at}) and (iv.end_at is null or iv.end_at >= ${at})`;

/**
 * Customers between segments: for every customer created before `end`, each segment they were in
 * at `start` (or none) paired with each at `end` (or none), counted. A customer in several segments
 * counts once per pair, so the links out of a start node sum to that segment's members at the start.
 */
export const segmentFlow = async (knex: Knex, customers: string, segmentIds: number[], start: Date, end: Date) => {
  const [s, e] = [dateParam(knex, start), dateParam(knex, end)];
  const side = (at: Sql) => sql`select c.id as customer_id, coalesce(m.segment_id, ${NONE}) as sid from c
    left join (select distinct iv.segment_id, iv.customer_id from iv where ${heldAt(at)}) m on m.customer_id = c.id`;
  const statement = sql`with iv as (${membershipIntervals(segmentIds)}),
  c as (select id from ${raw(customers)} where created_at < ${e}),
  a as (${side(s)}),
  b as (${side(e)})
  select a.sid as source, b.sid as target, count(*) as customers from a join b on b.customer_id = a.customer_id group by a.sid, b.sid`;
  const rows = rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]));
  const total = await knex(customers).where('created_at', '<', bindDate(knex, end)).count({ n: '*' }).first();
  return {
    links: rows.map((r: any) => ({ source: Number(r.source), target: Number(r.target), customers: Number(r.customers) })),
    customers: Number(total?.n ?? 0),
  };
};

/** The ids (`customer_id`) of one segment flow's customers, as a subquery for the customer list. */
export const segmentFlowIds = (knex: Knex, customers: string, segmentIds: number[], start: Date, end: Date, source: number, target: number): Knex.Raw => {
  const at = (side: Date, node: number) => {
    const held = sql`select 1 from iv where iv.customer_id = c.id and ${heldAt(dateParam(knex, side))}`;
    return node === NONE ? sql`not exists (${held})` : sql`exists (${held} and iv.segment_id = ${node})`;
  };
  const statement = sql`with iv as (${membershipIntervals(segmentIds)})
  select c.id as customer_id from ${raw(customers)} c
  where c.created_at < ${dateParam(knex, end)} and ${at(start, source)} and ${at(end, target)}`;
  return knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
};

/** The ids of the customers whose quadrant went from `source` to `target` between two value runs (`none`: not scored in that run). */
export const quadrantFlowIds = (knex: Knex, runA: number, runB: number, source: string, target: string): Knex.QueryBuilder => {
  const h = TABLES.valueHistory;
  const scored = (alias: string, run: number, quadrant: string) =>
    knex(`${h} as ${alias}`)
      .select(knex.raw('1'))
      .whereRaw(`${alias}.customer_id = x.customer_id`)
      .where(`${alias}.run_id`, run)
      .modify((q) => (quadrant === 'none' ? q : q.where(`${alias}.quadrant`, quadrant)));
  const q = knex(`${h} as x`).distinct('x.customer_id').whereIn('x.run_id', [runA, runB]);
  if (source === 'none') q.whereNotExists(scored('a', runA, 'none'));
  else q.whereExists(scored('a', runA, source));
  if (target === 'none') q.whereNotExists(scored('b', runB, 'none'));
  else q.whereExists(scored('b', runB, target));
  return q;
};
