import { TABLES } from '../../core/db/tables';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';

/** `id, id, …` for `in (…)`; `0` (no segment has it) for none. */
export const inList = (ids: number[]): Sql =>
  joinSql(
    (ids.length ? ids : [0]).map((id) => sql`${id}`),
    ', '
  );

/**
 * Membership over time, as intervals `(segment_id, customer_id, start_at, end_at)`: each enter
 * event of ci_segment_events runs to the customer's next event in that segment (its exit), or is
 * open (end_at null) when none followed. A current member with no event at all (membership from
 * before events were recorded) is a member throughout (start_at and end_at null).
 * The body of a CTE; one window pass over the segments' events, never rows in Node.
 */
export const membershipIntervals = (segmentIds: number[]): Sql => {
  const ids = inList(segmentIds);
  return sql`select ev.segment_id, ev.customer_id, ev.occurred_at as start_at, ev.next_at as end_at
  from (select e.segment_id, e.customer_id, e.kind, e.occurred_at,
          lead(e.occurred_at) over (partition by e.segment_id, e.customer_id order by e.occurred_at, e.id) as next_at
        from ${raw(TABLES.segmentEvents)} e where e.segment_id in (${ids})) ev
  where ev.kind = 'enter'
  union all
  select m.segment_id, m.customer_id, null, null
  from ${raw(TABLES.segmentMembers)} m
  join ${raw(TABLES.segmentCurrent)} c on c.segment_id = m.segment_id and c.run_id = m.run_id
  where m.segment_id in (${ids})
    and not exists (select 1 from ${raw(TABLES.segmentEvents)} x where x.customer_id = m.customer_id and x.segment_id = m.segment_id)`;
};

/** An interval `iv` overlaps [start, end) (SQL; the bounds are fragments: bound dates or columns). */
export const overlaps = (start: Sql, end: Sql): Sql => sql`(iv.start_at is null or iv.start_at < ${end}) and (iv.end_at is null or iv.end_at > ${start})`;
