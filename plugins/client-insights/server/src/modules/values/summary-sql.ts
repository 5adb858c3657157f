import type { Knex } from 'knex';
import { dateParam, elapsedDays } from '../../core/db/dialect';
import { raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES } from '../../core/db/tables';

/** Days per time unit of the CLV models (months). */
export const DAYS_PER_MONTH = 30.4375;

/**
 * The BG/NBD / Gamma-Gamma input per buyer, as ONE aggregate over paid orders up to `now`, for
 * customers with ids in [fromId, toId] (the caller pages through id ranges so Node never holds
 * row objects for everyone): x = repeat purchases (orders after the first), tx = months from
 * first to last purchase, T = months from first purchase to now, repeat_total = amount of the
 * repeat purchases (their mean is Gamma-Gamma's m), total / margin = all paid amounts and margins,
 * plus the run's risk signals from the RFM history for the churn blend.
 */
export const clvSummaryStatement = (knex: Knex, runId: number, now: Date, fromId: number, toId: number): Sql => {
  // Paid orders from the customers' order copies (metrics/activity.ts); seq 1 = the first purchase,
  // same-instant purchases in order id order.
  const ordered = sql`select o.customer_id, o.amount, coalesce(o.gross_margin, 0) as gm, o.ordered_at,
      row_number() over (partition by o.customer_id order by o.ordered_at, o.order_id) as seq
    from ${raw(TABLES.customerOrders)} o
    where o.status = 'paid' and o.ordered_at <= ${dateParam(knex, now)} and o.customer_id between ${fromId} and ${toId}`;
  const month = raw(String(DAYS_PER_MONTH));
  const summary = sql`select p.customer_id, count(*) - 1 as x,
      ${elapsedDays(knex, raw('min(p.ordered_at)'), raw('max(p.ordered_at)'))} / ${month} as tx,
      ${elapsedDays(knex, raw('min(p.ordered_at)'), dateParam(knex, now))} / ${month} as age,
      sum(case when p.seq > 1 then p.amount else 0 end) as repeat_total,
      sum(p.amount) as total, sum(p.gm) as margin
    from (${ordered}) p group by p.customer_id`;
  // The history rows of this page only (a range of its key), not the whole run for every page.
  return sql`select s.customer_id, s.x, s.tx, s.age, s.repeat_total, s.total, s.margin,
      h.risk_tag, h.overdue_amount, h.complaints
    from (${summary}) s join ${raw(TABLES.valueHistory)} h on h.run_id = ${runId} and h.customer_id = s.customer_id
    where h.customer_id between ${fromId} and ${toId}
    order by s.customer_id`;
};
