import type { Knex } from 'knex';
import { dateParam, daysSince } from '../db/dialect';
import { raw, sql, type Sql } from '../db/sql-fragment';
import type { ValueConfig } from './config';
import { VALUE_TABLES, type SourceTables } from './tables';

const DAY = 86_400_000;

/**
 * RFM as ONE `INSERT … SELECT` into ci_value_score_history, the same on SQLite (≥ 3.25),
 * PostgreSQL and MySQL/MariaDB (≥ 10.2):
 *
 *  base    one row per customer: R value (whole days since the configured event, ≥ 0), F and M
 *          within the period (now − periodDays, now], risk signals.
 *  ranked  rank() windows over buyers (customers with a paid order at or before now).
 *  scored  quantile score = 1 + ⌊5 · (rank − 1) / n⌋ where rank − 1 is the number of buyers with a
 *          strictly worse value: equal values share a rank, so they always get the same score
 *          whatever order the database returns rows in, and the lowest value scores 1. Integer
 *          comparisons only (no float ties). Thresholds mode uses the configured cut points.
 *  final   weighted score, named segment, quadrant, and M capped at the configured percentile.
 *
 * Rank-based scores cannot be moved by an outlier's magnitude: a huge M only changes its own rank,
 * so other customers' scores are unaffected; the stored `monetary_capped` (winsorised at the
 * percentile) keeps outliers from dominating averages such as the R×F matrix's avg M.
 * Buyers with no value for R (e.g. no interaction when R = last interaction) score R = 1 and are
 * counted as missing; customers without any paid order get `noOrderScores` and `noOrderSegment`.
 */
export type RfmStatementInput = { knex: Knex; tables: SourceTables; config: ValueConfig; runId: number; now: Date };

/** Named segments, first match wins (scores are 1..5). */
export const SEGMENT_RULES = [
  { segment: 'champions', when: 'r >= 4 and f >= 4 and m >= 4' },
  { segment: 'loyal', when: 'r >= 3 and f >= 4' },
  { segment: 'new', when: 'r >= 4 and f <= 1' },
  { segment: 'potential', when: 'r >= 3' },
  { segment: 'at_risk', when: 'f >= 3 or m >= 3' },
  { segment: 'lost', when: 'otherwise' },
] as const;

/** JS twin of SEGMENT_RULES for one customer (used by the brute-force tests and documentation). */
export const segmentOf = (r: number, f: number, m: number): string => {
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (r >= 3 && f >= 4) return 'loyal';
  if (r >= 4 && f <= 1) return 'new';
  if (r >= 3) return 'potential';
  if (f >= 3 || m >= 3) return 'at_risk';
  return 'lost';
};

const segmentCase = (prefix: string) =>
  `case ${SEGMENT_RULES.filter((s) => s.when !== 'otherwise')
    .map((s) => `when ${s.when.replace(/\b([rfm])\b/g, `${prefix}$1`)} then '${s.segment}'`)
    .join(' ')} else 'lost' end`;

const quantileScore = (rank: string, n: string) =>
  `case when 5 * (${rank} - 1) >= 4 * ${n} then 5 when 5 * (${rank} - 1) >= 3 * ${n} then 4 ` +
  `when 5 * (${rank} - 1) >= 2 * ${n} then 3 when 5 * (${rank} - 1) >= ${n} then 2 else 1 end`;

const num = (value: number) => {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
};

export const rfmInsertStatement = ({ knex, tables, config, runId, now }: RfmStatementInput): Sql => {
  const { rfm, quadrants } = config;
  const since = new Date(now.getTime() - rfm.periodDays * DAY);
  const t = tables;
  const nowP = dateParam(knex, now);
  const sinceP = () => dateParam(knex, since);
  const inPeriod = (column: string) => sql`${raw(column)} > ${sinceP()}`;

  const orders = sql`select l.${raw(t.orderLink.customer)} as customer_id,
      sum(case when o.status = 'paid' then 1 else 0 end) as paid_count,
      max(case when o.status = 'paid' then o.ordered_at end) as last_order_at,
      max(case when o.status = 'paid' then o.contract_end_at end) as last_contract_at,
      sum(case when o.status = 'paid' and ${inPeriod('o.ordered_at')} then 1 else 0 end) as orders_p,
      sum(case when o.status = 'paid' and o.kind = 'renewal' and ${inPeriod('o.ordered_at')} then 1 else 0 end) as renewals_p,
      sum(case when o.status = 'paid' and ${inPeriod('o.ordered_at')} then o.amount else 0 end) as revenue_p,
      sum(case when o.status = 'paid' and ${inPeriod('o.ordered_at')} then coalesce(o.gross_margin, 0) else 0 end) as margin_p,
      sum(case when o.status = 'paid' and ${inPeriod('o.ordered_at')} and o.gross_margin is null then 1 else 0 end) as margin_missing,
      sum(case when o.status = 'overdue' then o.amount else 0 end) as overdue_amount
    from ${raw(t.orders)} o join ${raw(t.orderLink.table)} l on l.${raw(t.orderLink.order)} = o.id
    where o.ordered_at <= ${nowP}
    group by l.${raw(t.orderLink.customer)}`;

  // Only the interaction types RFM needs, unless R is the last interaction of any type.
  const typeFilter = rfm.recency === 'last_interaction' ? raw('') : raw(`and i.type in ('meeting_attended', 'complaint', 'negative_feedback')`);
  const interactions = sql`select l.${raw(t.interactionLink.customer)} as customer_id,
      max(i.occurred_at) as last_interaction_at,
      sum(case when i.type = 'meeting_attended' and ${inPeriod('i.occurred_at')} then 1 else 0 end) as meetings_p,
      sum(case when i.type in ('complaint', 'negative_feedback') and ${inPeriod('i.occurred_at')} then 1 else 0 end) as complaints_p
    from ${raw(t.interactions)} i join ${raw(t.interactionLink.table)} l on l.${raw(t.interactionLink.interaction)} = i.id
    where i.occurred_at <= ${nowP} ${typeFilter}
    group by l.${raw(t.interactionLink.customer)}`;

  const riskTags = sql`select ct.customer_id, 1 as risk_tag
    from ${raw(VALUE_TABLES.customerTags)} ct join ${raw(t.tags)} tg on tg.id = ct.tag_id
    where tg.category = 'risk' and (ct.expires_at is null or ct.expires_at > ${nowP})
    group by ct.customer_id`;

  const recencyColumn = { last_paid_order: 'o.last_order_at', last_contract: 'o.last_contract_at', last_interaction: 'i.last_interaction_at' }[rfm.recency];
  // A date after now (a running contract) is 0 days ago.
  const recency = sql`case when ${raw(recencyColumn)} is null then null when ${raw(recencyColumn)} > ${nowP} then 0
    else ${daysSince(knex, raw(recencyColumn), now)} end`;
  const frequency = { orders: 'coalesce(o.orders_p, 0)', renewals: 'coalesce(o.renewals_p, 0)', meetings_attended: 'coalesce(i.meetings_p, 0)' }[rfm.frequency];
  const monetary = { revenue: 'coalesce(o.revenue_p, 0)', gross_margin: 'coalesce(o.margin_p, 0)' }[rfm.monetary];

  const base = sql`select c.id as customer_id,
      case when coalesce(o.paid_count, 0) > 0 then 1 else 0 end as has_orders,
      ${recency} as rv, ${raw(frequency)} as fv, ${raw(monetary)} as mv,
      coalesce(o.overdue_amount, 0) as overdue_amount, coalesce(i.complaints_p, 0) as complaints,
      coalesce(rt.risk_tag, 0) as risk_tag,
      ${raw(rfm.monetary === 'gross_margin' ? 'coalesce(o.margin_missing, 0)' : '0')} as margin_missing
    from ${raw(t.customers)} c
    left join (${orders}) o on o.customer_id = c.id
    left join (${interactions}) i on i.customer_id = c.id
    left join (${riskTags}) rt on rt.customer_id = c.id`;

  const rPopulation = 'case when b.has_orders = 1 and b.rv is not null then 1 else 0 end';
  const ranked = sql`select b.*,
      ${raw(rPopulation)} as r_pop,
      rank() over (partition by ${raw(rPopulation)} order by b.rv desc) as r_rank,
      count(*) over (partition by ${raw(rPopulation)}) as r_n,
      rank() over (partition by b.has_orders order by b.fv) as f_rank,
      rank() over (partition by b.has_orders order by b.mv) as m_rank,
      count(*) over (partition by b.has_orders) as o_n
    from (${base}) b`;

  const d = rfm.noOrderScores;
  let rScore: string;
  let fScore: string;
  let mScore: string;
  if (rfm.scoring.method === 'quantile') {
    rScore = quantileScore('k.r_rank', 'k.r_n');
    fScore = quantileScore('k.f_rank', 'k.o_n');
    mScore = quantileScore('k.m_rank', 'k.o_n');
  } else {
    const [r1, r2, r3, r4] = rfm.scoring.r.map(num);
    rScore = `case when k.rv <= ${r1} then 5 when k.rv <= ${r2} then 4 when k.rv <= ${r3} then 3 when k.rv <= ${r4} then 2 else 1 end`;
    const up = (col: string, cuts: number[]) => {
      const [c1, c2, c3, c4] = cuts.map(num);
      return `case when ${col} >= ${c4} then 5 when ${col} >= ${c3} then 4 when ${col} >= ${c2} then 3 when ${col} >= ${c1} then 2 else 1 end`;
    };
    fScore = up('k.fv', rfm.scoring.f);
    mScore = up('k.mv', rfm.scoring.m);
  }
  const p = num(rfm.monetaryCapPercentile);
  const scored = sql`select k.*,
      case when k.has_orders = 0 then ${raw(num(d.r))} when k.r_pop = 0 then 1 else ${raw(rScore)} end as r,
      case when k.has_orders = 0 then ${raw(num(d.f))} else ${raw(fScore)} end as f,
      case when k.has_orders = 0 then ${raw(num(d.m))} else ${raw(mScore)} end as m,
      max(case when k.has_orders = 1 and (k.m_rank - 1) <= ${raw(p)} * (k.o_n - 1) then k.mv end) over () as m_cap
    from (${ranked}) k`;

  const w = rfm.weights;
  const weighted = `(${num(w.r)} * s.r + ${num(w.f)} * s.f + ${num(w.m)} * s.m) * 1.0 / ${num(w.r + w.f + w.m)}`;
  const risk = `(s.risk_tag = 1 or s.overdue_amount > 0 or s.complaints >= ${num(quadrants.complaintThreshold)})`;
  const hi = num(quadrants.highScore);
  const low = num(quadrants.lowRecency);
  // Quadrants, first match wins: high_value (r, f, m ≥ highScore); churn_risk (r ≤ lowRecency with a risk
  // signal); potential (recent enough, not high value); dormant (r ≤ lowRecency, no risk signal).
  const quadrant = `case when s.r >= ${hi} and s.f >= ${hi} and s.m >= ${hi} then 'high_value'
      when s.r <= ${low} and ${risk} then 'churn_risk'
      when s.r > ${low} then 'potential' else 'dormant' end`;
  const segment = `case when s.has_orders = 0 then '${rfm.noOrderSegment}' else ${segmentCase('s.')} end`;

  return sql`insert into ${raw(VALUE_TABLES.history)}
      (run_id, customer_id, has_orders, recency_days, frequency, monetary, monetary_capped, r, f, m, rfm, rfm_segment, quadrant,
       risk_tag, overdue_amount, complaints, margin_missing)
    select ${raw(String(Math.trunc(runId)))}, s.customer_id, s.has_orders, s.rv, s.fv, s.mv,
      case when s.has_orders = 1 and s.mv > s.m_cap then s.m_cap else s.mv end,
      s.r, s.f, s.m, ${raw(weighted)}, ${raw(segment)}, ${raw(quadrant)},
      s.risk_tag, s.overdue_amount, s.complaints, s.margin_missing
    from (${scored}) s`;
};
