import type { Knex } from 'knex';
import { dateParam, elapsedDays, rowsOf } from '../../core/db/dialect';
import { raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import { holdoutBucketSql } from './holdout';
import { membershipIntervals } from './membership';

type Group = { customers: number; converted: number };
export type Split = { treated: Group; holdout: Group };

const DAY = 86_400_000;
const num = (v: unknown) => Number(v ?? 0);

const splitOf = (rows: any[]): Split => {
  const group = (held: number) => {
    const r = rows.find((x) => Number(x.held) === held);
    return { customers: num(r?.customers), converted: num(r?.converted) };
  };
  return { treated: group(0), holdout: group(1) };
};

/**
 * A campaign's own holdout, as intention to treat: its audience (the segment's members during
 * the period, or now; without a segment every customer created before the period's end) split by
 * holdoutBucket into holdout (bucket < percent) and treated, whether touched or not; a member
 * converted with a paid order from the period's start to `window` days after its end. Counted in
 * SQL: two rows come back.
 */
export const campaignHoldout = async (
  knex: Knex,
  t: HostTables,
  c: { campaignId: number; percent: number; window: number; start: Date; end: Date; segment: { id: number; membership: 'now' | 'during' } | null }
): Promise<Split> => {
  const d = (x: Date) => dateParam(knex, x);
  const audience: Sql = !c.segment
    ? sql`select c.id as customer_id from ${raw(t.customers)} c where c.created_at < ${d(c.end)}`
    : c.segment.membership === 'now'
      ? sql`select m.customer_id from ${raw(TABLES.segmentMembers)} m join ${raw(TABLES.segmentCurrent)} sc on sc.segment_id = m.segment_id and sc.run_id = m.run_id where m.segment_id = ${c.segment.id}`
      : sql`select distinct iv.customer_id from (${membershipIntervals([c.segment.id])}) iv
          where (iv.start_at is null or iv.start_at < ${d(c.end)}) and (iv.end_at is null or iv.end_at > ${d(c.start)})`;
  const statement = sql`select held, count(*) as customers, sum(converted) as converted from (
    select case when ${raw(holdoutBucketSql(c.campaignId, 'a.customer_id'))} < ${c.percent} then 1 else 0 end as held,
      case when exists (select 1 from ${raw(TABLES.customerOrders)} o where o.customer_id = a.customer_id and o.status = 'paid'
        and o.ordered_at >= ${d(c.start)} and o.ordered_at < ${d(new Date(c.end.getTime() + c.window * DAY))}) then 1 else 0 end as converted
    from (${audience}) a
  ) x group by held`;
  return splitOf(rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[])));
};

/**
 * An automation rule's holdout: each customer's first occurrence of the rule (not a test, not
 * skipped by its conditions, fired in the period when one is given), held out when its state is
 * `holdout`; converted with a paid order within `window` days after it fired.
 */
export const ruleHoldout = async (knex: Knex, r: { ruleDoc: string; window: number; period: { start: Date; end: Date } | null }): Promise<Split> => {
  const d = (x: Date) => dateParam(knex, x);
  const period = r.period ? sql` and oc.fired_at >= ${d(r.period.start)} and oc.fired_at < ${d(r.period.end)}` : raw('');
  const statement = sql`select held, count(*) as customers, sum(converted) as converted from (
    select f.held, case when exists (select 1 from ${raw(TABLES.customerOrders)} o where o.customer_id = f.customer_id and o.status = 'paid'
        and o.ordered_at >= f.fired_at and ${elapsedDays(knex, raw('f.fired_at'), raw('o.ordered_at'))} <= ${r.window}) then 1 else 0 end as converted
    from (
      select oc.customer_id, oc.fired_at, case when oc.state = 'holdout' then 1 else 0 end as held,
        row_number() over (partition by oc.customer_id order by oc.fired_at, oc.id) as k
      from ${raw(TABLES.automationOccurrences)} oc
      where oc.rule_doc = ${r.ruleDoc} and not oc.test and oc.state <> 'skipped'${period}
    ) f where f.k = 1
  ) x group by held`;
  return splitOf(rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[])));
};
