import type { Knex } from 'knex';
import { dateParam, elapsedDays } from '../../core/db/dialect';
import { raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES } from '../../core/db/tables';

const DAY = 86_400_000;

/**
 * Propensity features of every buyer as of date `at` (only orders and interactions at or before
 * it), and the labels "paid renewal / paid upsell order in (at, at + window]". Trained with `at`
 * two windows back, evaluated one window back, scored at now: a model never sees the period it
 * is judged on. Features (all log1p, except the 0/1 flag):
 *   orders, days since last order, revenue, renewals, upsells, contract running at `at` (0/1),
 *   tenure days, meetings attended (180 days), complaints + negative feedback (180 days),
 *   email opens + clicks + event check-ins (90 days).
 * Caveat: an order's status is its current one (no status history), so a late payment is seen as
 * paid at its order date.
 */
export const FEATURE_NAMES = [
  'orders',
  'days_since_last_order',
  'revenue',
  'renewals',
  'upsells',
  'contract_running',
  'tenure_days',
  'meetings_180d',
  'complaints_180d',
  'engagement_90d',
] as const;

/**
 * `sampleEvery` = k > 1 keeps the customers whose id is a multiple of k: an even, deterministic
 * sample for training, taken before aggregating so the unsampled customers cost only their scan.
 */
export const featureStatement = (knex: Knex, at: Date, windowDays: number, fromId: number, toId: number, sampleEvery = 1): Sql => {
  const atP = () => dateParam(knex, at);
  const until = dateParam(knex, new Date(at.getTime() + windowDays * DAY));
  const before = (days: number) => dateParam(knex, new Date(at.getTime() - days * DAY));
  const past = () => sql`o.ordered_at <= ${atP()}`;
  const k = Math.max(1, Math.trunc(sampleEvery));
  const customers = (alias: string) => sql`${raw(alias)}.customer_id between ${fromId} and ${toId}${raw(k > 1 ? ` and ${alias}.customer_id % ${k} = 0` : '')}`;
  // Orders and events from the customers' activity copies (metrics/activity.ts), no link-table joins.
  const orders = sql`select o.customer_id,
      sum(case when ${past()} then 1 else 0 end) as orders,
      max(case when ${past()} then o.ordered_at end) as last_at,
      min(o.ordered_at) as first_at,
      sum(case when ${past()} then o.amount else 0 end) as revenue,
      sum(case when ${past()} and o.kind = 'renewal' then 1 else 0 end) as renewals,
      sum(case when ${past()} and o.kind = 'upsell' then 1 else 0 end) as upsells,
      max(case when ${past()} and o.contract_end_at > ${atP()} then 1 else 0 end) as contract_running,
      max(case when o.ordered_at > ${atP()} and o.kind = 'renewal' then 1 else 0 end) as renewal_label,
      max(case when o.ordered_at > ${atP()} and o.kind = 'upsell' then 1 else 0 end) as upsell_label
    from ${raw(TABLES.customerOrders)} o
    where o.status = 'paid' and o.ordered_at <= ${until} and ${customers('o')}
    group by o.customer_id`;
  const events = sql`select e.customer_id,
      sum(case when e.type = 'meeting_attended' then 1 else 0 end) as meetings,
      sum(case when e.type in ('complaint', 'negative_feedback') then 1 else 0 end) as complaints,
      sum(case when e.type in ('email_open', 'email_click', 'event_checkin') and e.occurred_at > ${before(90)} then 1 else 0 end) as engagement
    from ${raw(TABLES.customerEvents)} e
    where e.occurred_at > ${before(180)} and e.occurred_at <= ${atP()}
      and e.type in ('meeting_attended', 'complaint', 'negative_feedback', 'email_open', 'email_click', 'event_checkin')
      and ${customers('e')}
    group by e.customer_id`;
  return sql`select a.customer_id, a.orders, ${elapsedDays(knex, raw('a.last_at'), atP())} as days_since_last_order,
      a.revenue, a.renewals, a.upsells, a.contract_running, ${elapsedDays(knex, raw('a.first_at'), atP())} as tenure_days,
      coalesce(e.meetings, 0) as meetings_180d, coalesce(e.complaints, 0) as complaints_180d, coalesce(e.engagement, 0) as engagement_90d,
      a.renewal_label, a.upsell_label
    from (${orders}) a left join (${events}) e on e.customer_id = a.customer_id
    where a.orders > 0
    order by a.customer_id`;
};
