import type { Knex } from 'knex';
import { castInteger, dateParam, daysSince } from '../../core/db/dialect';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import type { ValueConfig } from './config';

const DAY = 86_400_000;

/**
 * RFM as ONE `INSERT … WITH … SELECT` into ci_value_score_history, the same on SQLite (≥ 3.25),
 * PostgreSQL and MySQL/MariaDB (≥ 10.2):
 *
 *  base      one row per customer: R value (whole days since the configured event, ≥ 0), F and M
 *            within the period (now − periodDays, now], risk signals.
 *  counts    n = number of buyers (customers with a paid order at or before now), and of buyers with R.
 *  *_scores  quantile score = 1 + ⌊5 · (rank − 1) / n⌋ where rank − 1 is the number of buyers with a
 *            strictly worse value: equal values share a rank, so they always get the same score
 *            whatever order the database returns rows in, and the lowest value scores 1. Integer
 *            comparisons only (no float ties). A letter whose buyers have at most 5 distinct values
 *            (F with few order counts) is scored by value instead: quintiles of such a letter
 *            degenerate (most buyers share the lowest value, the rest jump to 5), so the distinct
 *            values are ranked and spread over 1..5 (valueScore). Thresholds mode uses the
 *            configured cut points.
 *  final     weighted score, named segment, quadrant, and M capped at the configured percentile,
 *            inserted in customer order: the history's key is filled in order, and the later steps
 *            that read the run by customer (CLV summary, publish) find it stored in that order.
 *
 * Rank-based scores cannot be moved by an outlier's magnitude: a huge M only changes its own rank,
 * so other customers' scores are unaffected; the stored `monetary_capped` (winsorised at the
 * percentile) keeps outliers from dominating averages such as the R×F matrix's avg M.
 * Buyers with no value for R (e.g. no interaction when R = last interaction) score R = 1 and are
 * counted as missing; customers without any paid order get `noOrderScores` and `noOrderSegment`.
 */
export type RfmStatementInput = { knex: Knex; tables: HostTables; config: ValueConfig; runId: number; now: Date };

/** Named segments, first match wins (scores are 1..5). */
export const SEGMENT_RULES = [
  { segment: 'champions', when: 'r >= 4 and f >= 4 and m >= 4' },
  { segment: 'loyal', when: 'r >= 3 and f >= 4' },
  { segment: 'new', when: 'r >= 4 and f <= 1' },
  { segment: 'potential', when: 'r >= 3' },
  { segment: 'at_risk', when: 'f >= 3 or m >= 3' },
  { segment: 'lost', when: 'otherwise' },
] as const;

const segmentCase = (prefix: string) =>
  `case ${SEGMENT_RULES.filter((s) => s.when !== 'otherwise')
    .map((s) => `when ${s.when.replace(/\b([rfm])\b/g, `${prefix}$1`)} then '${s.segment}'`)
    .join(' ')} else 'lost' end`;

const quantileScore = (rank: string, n: string) =>
  `case when 5 * (${rank} - 1) >= 4 * ${n} then 5 when 5 * (${rank} - 1) >= 3 * ${n} then 4 ` +
  `when 5 * (${rank} - 1) >= 2 * ${n} then 3 when 5 * (${rank} - 1) >= ${n} then 2 else 1 end`;

/** At most this many distinct values (among buyers): quantiles degenerate, each value is scored by its place. */
export const VALUE_SCORING_MAX_DISTINCT = 5;

/**
 * Value-based score of the k-th of d distinct values (worst first): 1 + round(4 · (k − 1) / (d − 1)),
 * spread evenly over 1..5 (d = 2: 1, 5; d = 3: 1, 3, 5; d = 4: 1, 2, 4, 5); one value scores 1.
 * Integer comparisons only: score ≥ j + 1 ⇔ 8 · (k − 1) ≥ (2j − 1) · (d − 1).
 */
const valueScore = (k: string, d: string) =>
  `case when ${d} <= 1 then 1 when 8 * (${k} - 1) >= 7 * (${d} - 1) then 5 when 8 * (${k} - 1) >= 5 * (${d} - 1) then 4 ` +
  `when 8 * (${k} - 1) >= 3 * (${d} - 1) then 3 when 8 * (${k} - 1) >= ${d} - 1 then 2 else 1 end`;

/** Quantiles, or value-based scoring when the buyers have at most VALUE_SCORING_MAX_DISTINCT distinct values. */
const rankScore = (rank: string, n: string, valueRank: string, d: string) =>
  `case when ${d} <= ${VALUE_SCORING_MAX_DISTINCT} then ${valueScore(valueRank, d)} else ${quantileScore(rank, n)} end`;

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

  // Orders and interactions come from the customers' activity copies (metrics/activity.ts), which
  // carry the customer id: no join through the link tables (7.5M rows per 1M customers). Only the
  // aggregates the configured R, F and M use are computed: at 1M customers each costs hash-table
  // memory and time, and all of them together made the orders aggregate spill to disk. Sums skip
  // the rows they do not count (null, not 0: no decimal addition); base turns a missing sum into 0.
  const selected = (columns: Array<[name: string, expr: Sql, used: boolean]>) =>
    joinSql(
      columns.filter(([, , used]) => used).map(([name, expr]) => sql`${expr} as ${raw(name)}`),
      ',\n      '
    );
  const paidInPeriod = () => sql`o.status = 'paid' and ${inPeriod('o.ordered_at')}`;
  const orders = sql`select o.customer_id,
      ${selected([
        ['paid_count', sql`sum(case when o.status = 'paid' then 1 end)`, true],
        ['overdue_amount', sql`sum(case when o.status = 'overdue' then o.amount end)`, true],
        ['last_order_at', sql`max(case when o.status = 'paid' then o.ordered_at end)`, rfm.recency === 'last_paid_order'],
        ['last_contract_at', sql`max(case when o.status = 'paid' then o.contract_end_at end)`, rfm.recency === 'last_contract'],
        ['orders_p', sql`sum(case when ${paidInPeriod()} then 1 end)`, rfm.frequency === 'orders'],
        ['renewals_p', sql`sum(case when ${paidInPeriod()} and o.kind = 'renewal' then 1 end)`, rfm.frequency === 'renewals'],
        ['revenue_p', sql`sum(case when ${paidInPeriod()} then o.amount end)`, rfm.monetary === 'revenue'],
        ['margin_p', sql`sum(case when ${paidInPeriod()} then coalesce(o.gross_margin, 0) end)`, rfm.monetary === 'gross_margin'],
        ['margin_missing', sql`sum(case when ${paidInPeriod()} and o.gross_margin is null then 1 end)`, rfm.monetary === 'gross_margin'],
      ])}
    from ${raw(TABLES.customerOrders)} o
    where o.status in ('paid', 'overdue') and o.ordered_at <= ${nowP}
    group by o.customer_id`;

  // Only the interaction types RFM needs (risk signals, meetings for F = meetings), unless R is the
  // last interaction of any type.
  const meetings = rfm.frequency === 'meetings_attended';
  const typeFilter =
    rfm.recency === 'last_interaction'
      ? raw('')
      : raw(`and e.type in (${[...(meetings ? ['meeting_attended'] : []), 'complaint', 'negative_feedback'].map((type) => `'${type}'`).join(', ')})`);
  const interactions = sql`select e.customer_id,
      ${selected([
        ['complaints_p', sql`sum(case when e.type in ('complaint', 'negative_feedback') and ${inPeriod('e.occurred_at')} then 1 else 0 end)`, true],
        ['meetings_p', sql`sum(case when e.type = 'meeting_attended' and ${inPeriod('e.occurred_at')} then 1 else 0 end)`, meetings],
        ['last_interaction_at', sql`max(e.occurred_at)`, rfm.recency === 'last_interaction'],
      ])}
    from ${raw(TABLES.customerEvents)} e
    where e.occurred_at <= ${nowP} ${typeFilter}
    group by e.customer_id`;

  const riskTags = sql`select ct.customer_id, 1 as risk_tag
    from ${raw(TABLES.customerTags)} ct join ${raw(t.tags)} tg on tg.id = ct.tag_id
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

  // Scores of buyers. Quantiles: rank = 1 + the number of buyers with a strictly worse value.
  // R (days) and F (counts) take few distinct values, so they are scored once per value, from the
  // number of buyers per value cumulated, and joined back on the value: no sort of every customer.
  // M (amounts) has about as many values as buyers: a rank window over the buyers alone. Each
  // score is computed in the grouped / windowed query itself, so it is evaluated once per value or
  // buyer, not re-expanded at every use of r, f, m below.
  const p = num(rfm.monetaryCapPercentile);
  const counts = sql`select count(*) as o_n, coalesce(sum(case when b.rv is not null then 1 else 0 end), 0) as r_n,
      ${raw(p)} * (count(*) - 1) as cap_rank
    from base b where b.has_orders = 1`;
  // Per value: rank = buyers up to and including this value (cumulated) − its own buyers + 1.
  // Counted as integers, so the cumulative sums are integers too (see castInteger).
  const integerCount = castInteger(knex, raw('count(*)')).sql;
  const cumulativeRank = (column: string, direction: 'asc' | 'desc') => `(sum(${integerCount}) over (order by b.${column} ${direction}) - count(*) + 1)`;
  const mRank = 'rank() over (order by b.mv)';
  const thresholds = (column: string, cuts: number[], better: 'lower' | 'higher') => {
    const [c1, c2, c3, c4] = cuts.map(num);
    return better === 'lower'
      ? `case when ${column} <= ${c1} then 5 when ${column} <= ${c2} then 4 when ${column} <= ${c3} then 3 when ${column} <= ${c4} then 2 else 1 end`
      : `case when ${column} >= ${c4} then 5 when ${column} >= ${c3} then 4 when ${column} >= ${c2} then 3 when ${column} >= ${c1} then 2 else 1 end`;
  };
  const scoring = rfm.scoring;
  // Value-based scoring needs each value's place among the distinct values and their number d:
  // R and F rows are one per value, so that is row_number() and count(*) over all of them; M
  // takes dense_rank() beside its rank() (one sort) and d as the largest dense rank, in the pass
  // m_cap makes anyway (a count(distinct) would sort every buyer once more).
  const [rScore, fScore, mScore] =
    scoring.method === 'quantile'
      ? [
          rankScore(cumulativeRank('rv', 'desc'), 'n.r_n', 'row_number() over (order by b.rv desc)', 'count(*) over ()'),
          rankScore(cumulativeRank('fv', 'asc'), 'n.o_n', 'row_number() over (order by b.fv)', 'count(*) over ()'),
          rankScore('m.rank_value', 'n.o_n', 'm.value_rank', 'mc.m_d'),
        ]
      : [thresholds('b.rv', scoring.r, 'lower'), thresholds('b.fv', scoring.f, 'higher'), thresholds('m.mv', scoring.m, 'higher')];
  const rScores = sql`select b.rv, ${raw(rScore)} as score
    from base b cross join counts n where b.has_orders = 1 and b.rv is not null group by b.rv, n.r_n`;
  const fScores = sql`select b.fv, ${raw(fScore)} as score
    from base b cross join counts n where b.has_orders = 1 group by b.fv, n.o_n`;
  const mRanked = sql`select b.customer_id, b.mv, ${raw(mRank)} as rank_value, dense_rank() over (order by b.mv) as value_rank
    from base b where b.has_orders = 1`;
  // M capped at the percentile: the largest M whose rank is within it (see monetary_capped); and
  // M's number of distinct values, in the same pass.
  const mCap = sql`select max(case when m.rank_value - 1 <= n.cap_rank then m.mv end) as m_cap, max(m.value_rank) as m_d
    from m_ranked m cross join counts n`;
  const mScores = sql`select m.customer_id, ${raw(mScore)} as score
    from m_ranked m cross join counts n cross join m_cap mc`;

  const d = rfm.noOrderScores;
  const scored = sql`select b.*, mc.m_cap,
      case when b.has_orders = 0 then ${raw(num(d.r))} when b.rv is null then 1 else rs.score end as r,
      case when b.has_orders = 0 then ${raw(num(d.f))} else fs.score end as f,
      case when b.has_orders = 0 then ${raw(num(d.m))} else ms.score end as m
    from base b cross join m_cap mc
    left join r_scores rs on rs.rv = b.rv
    left join f_scores fs on fs.fv = b.fv
    left join m_scores ms on ms.customer_id = b.customer_id`;

  const w = rfm.weights;
  // One division by a decimal literal (x.0 for whole sums): never integer division, and one
  // numeric operation per customer instead of two (a second of the statement at 1M customers).
  const weightSum = w.r + w.f + w.m;
  const weighted = `(${num(w.r)} * s.r + ${num(w.f)} * s.f + ${num(w.m)} * s.m) / ${num(weightSum)}${Number.isInteger(weightSum) ? '.0' : ''}`;
  const risk = `(s.risk_tag = 1 or s.overdue_amount > 0 or s.complaints >= ${num(quadrants.complaintThreshold)})`;
  const hi = num(quadrants.highScore);
  const low = num(quadrants.lowRecency);
  // Quadrants, first match wins: high_value (r, f, m ≥ highScore); churn_risk (r ≤ lowRecency with a risk
  // signal); potential (recent enough, not high value); dormant (r ≤ lowRecency, no risk signal).
  const quadrant = `case when s.r >= ${hi} and s.f >= ${hi} and s.m >= ${hi} then 'high_value'
      when s.r <= ${low} and ${risk} then 'churn_risk'
      when s.r > ${low} then 'potential' else 'dormant' end`;
  const segment = `case when s.has_orders = 0 then '${rfm.noOrderSegment}' else ${segmentCase('s.')} end`;

  // One statement; base, counts and m_scores are computed once and read several times.
  return sql`insert into ${raw(TABLES.valueHistory)}
      (run_id, customer_id, has_orders, recency_days, frequency, monetary, monetary_capped, r, f, m, rfm, rfm_segment, quadrant,
       risk_tag, overdue_amount, complaints, margin_missing)
    with base as (${base}),
      counts as (${counts}),
      r_scores as (${rScores}),
      f_scores as (${fScores}),
      m_ranked as (${mRanked}),
      m_cap as (${mCap}),
      m_scores as (${mScores})
    select ${raw(String(Math.trunc(runId)))}, s.customer_id, s.has_orders, s.rv, s.fv, s.mv,
      case when s.has_orders = 1 and s.mv > s.m_cap then s.m_cap else s.mv end,
      s.r, s.f, s.m, ${raw(weighted)}, ${raw(segment)}, ${raw(quadrant)},
      s.risk_tag, s.overdue_amount, s.complaints, s.margin_missing
    from (${scored}) s
    order by s.customer_id`;
};
