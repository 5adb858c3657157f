import type { Knex } from 'knex';
import { dateParam, elapsedDays } from '../db/dialect';
import { raw, sql, type Sql } from '../db/sql-fragment';
import { VALUE_TABLES, type SourceTables } from './tables';

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
export const clvSummaryStatement = (knex: Knex, tables: SourceTables, runId: number, now: Date, fromId: number, toId: number): Sql => {
  const t = tables;
  const ordered = sql`select l.${raw(t.orderLink.customer)} as customer_id, o.amount, coalesce(o.gross_margin, 0) as gm, o.ordered_at,
      row_number() over (partition by l.${raw(t.orderLink.customer)} order by o.ordered_at, o.id) as seq
    from ${raw(t.orders)} o join ${raw(t.orderLink.table)} l on l.${raw(t.orderLink.order)} = o.id
    where o.status = 'paid' and o.ordered_at <= ${dateParam(knex, now)}
      and l.${raw(t.orderLink.customer)} between ${fromId} and ${toId}`;
  const month = raw(String(DAYS_PER_MONTH));
  const summary = sql`select p.customer_id, count(*) - 1 as x,
      ${elapsedDays(knex, raw('min(p.ordered_at)'), raw('max(p.ordered_at)'))} / ${month} as tx,
      ${elapsedDays(knex, raw('min(p.ordered_at)'), dateParam(knex, now))} / ${month} as age,
      sum(case when p.seq > 1 then p.amount else 0 end) as repeat_total,
      sum(p.amount) as total, sum(p.gm) as margin
    from (${ordered}) p group by p.customer_id`;
  return sql`select s.customer_id, s.x, s.tx, s.age, s.repeat_total, s.total, s.margin,
      h.risk_tag, h.overdue_amount, h.complaints
    from (${summary}) s join ${raw(VALUE_TABLES.history)} h on h.run_id = ${runId} and h.customer_id = s.customer_id
    order by s.customer_id`;
};
