import type { Knex } from 'knex';
import { bindDate, readDate, rowsOf } from '../../core/db/dialect';
import { raw, sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import { membershipIntervals } from './membership';
import type { Period } from './periods';

/**
 * The monitoring report's figures, each one SQL aggregate over a period [start, end) (docs/api.md,
 * Monitoring): nothing is counted in Node.
 */
const num = (v: unknown) => Number(v ?? 0);
const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
export const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const DAY = 86_400_000;

/** Customers created before the end, and of them those held by at least one of the segments at the end (events before it applied). */
export const coverage = async (knex: Knex, t: HostTables, segmentIds: number[], p: Period) => {
  const end = bindDate(knex, p.end);
  const statement = sql`with iv as (${membershipIntervals(segmentIds)})
  select count(*) as customers,
    sum(case when exists (select 1 from iv where iv.customer_id = c.id and (iv.start_at is null or iv.start_at < ${end})
      and (iv.end_at is null or iv.end_at >= ${end})) then 1 else 0 end) as covered
  from ${raw(t.customers)} c where c.created_at < ${end}`;
  const [row] = rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]));
  return { customers: num(row?.customers), covered: num(row?.covered) };
};

/** Segment runs finished in the period: successful (or partial) ones, failed ones, mean members and duration of the successful. */
export const runFigures = async (knex: Knex, p: Period) => {
  const row: any = await knex(TABLES.segmentRuns)
    .where('finished_at', '>=', bindDate(knex, p.start))
    .andWhere('finished_at', '<', bindDate(knex, p.end))
    .select(
      knex.raw("sum(case when status in ('success', 'partial') then 1 else 0 end) as runs"),
      knex.raw("sum(case when status = 'failed' then 1 else 0 end) as failed"),
      knex.raw("avg(case when status in ('success', 'partial') then customer_count end) as members"),
      knex.raw("avg(case when status in ('success', 'partial') then execution_time_ms end) as duration")
    )
    .first();
  return {
    runs: num(row?.runs),
    failed: num(row?.failed),
    avgMembers: orNull(row?.members),
    avgDurationMs: orNull(row?.duration),
    days: (p.end.getTime() - p.start.getTime()) / DAY,
  };
};

/** Automation log rows of the period (test runs left out): firings, deliveries that succeeded (sent, done), failed (failed, dead) or were skipped. */
export const automationFigures = async (knex: Knex, p: Period) => {
  const row: any = await knex(TABLES.automationLogs)
    .where('created_at', '>=', bindDate(knex, p.start))
    .andWhere('created_at', '<', bindDate(knex, p.end))
    .andWhere('test', false)
    .select(
      knex.raw("sum(case when status = 'triggered' then 1 else 0 end) as triggers"),
      knex.raw("sum(case when status in ('sent', 'done') then 1 else 0 end) as succeeded"),
      knex.raw("sum(case when status in ('failed', 'dead') then 1 else 0 end) as failed"),
      knex.raw("sum(case when status = 'skipped' then 1 else 0 end) as skipped"),
      knex.raw("avg(case when status in ('sent', 'done') then latency_ms end) as latency")
    )
    .first();
  return {
    triggers: num(row?.triggers),
    succeeded: num(row?.succeeded),
    failed: num(row?.failed),
    skipped: num(row?.skipped),
    avgLatencyMs: orNull(row?.latency),
  };
};

/** The two latest successful value runs finished before the end (older first). */
export const lastTwoRuns = async (knex: Knex, p: Period) => {
  const rows = await knex(TABLES.valueRuns)
    .where({ status: 'success' })
    .andWhere('finished_at', '<', bindDate(knex, p.end))
    .orderBy('id', 'desc')
    .limit(2)
    .select('id');
  return { from: rows[1] ? Number(rows[1].id) : undefined, to: rows[0] ? Number(rows[0].id) : undefined };
};

export const CHURN_THRESHOLD = 0.5;

/**
 * Churn prediction against what happened: the latest successful value run finished at least
 * `horizonDays` before the period's end; each customer it gave a churn risk is a positive when, by
 * the end, their stage is `churned` or they had no paid order and no interaction since the run.
 * Precision and recall at risk ≥ CHURN_THRESHOLD; AUC by Mann–Whitney: (Σ ranks of positives −
 * P(P+1)/2) / (P·N), tied scores sharing their average rank (window functions, one statement).
 */
export const churnAccuracy = async (knex: Knex, t: HostTables, p: Period, horizonDays: number) => {
  const run: any = await knex(TABLES.valueRuns)
    .where({ status: 'success' })
    .andWhere('finished_at', '<=', bindDate(knex, new Date(p.end.getTime() - horizonDays * DAY)))
    .orderBy('id', 'desc')
    .first('id', 'finished_at');
  if (!run) return null;
  const at = readDate(run.finished_at) as Date;
  const [since, end] = [bindDate(knex, at), bindDate(knex, p.end)];
  const statement = sql`with o as (
    select s.customer_id, s.churn_risk as score,
      case when c.stage = 'churned'
        or (not exists (select 1 from ${raw(TABLES.customerOrders)} x where x.customer_id = s.customer_id and x.status = 'paid' and x.ordered_at >= ${since} and x.ordered_at < ${end})
        and not exists (select 1 from ${raw(TABLES.customerEvents)} y where y.customer_id = s.customer_id and y.occurred_at >= ${since} and y.occurred_at < ${end}))
      then 1 else 0 end as pos
    from ${raw(TABLES.valueModelScores)} s join ${raw(t.customers)} c on c.id = s.customer_id
    where s.run_id = ${Number(run.id)} and s.churn_risk is not null
  ),
  r as (select pos, score, rank() over (order by score) + (count(*) over (partition by score) - 1) / 2.0 as avg_rank from o)
  select count(*) as scored, sum(pos) as positives,
    sum(case when score >= ${CHURN_THRESHOLD} then 1 else 0 end) as predicted,
    sum(case when score >= ${CHURN_THRESHOLD} and pos = 1 then 1 else 0 end) as tp,
    sum(case when pos = 1 then avg_rank else 0 end) as rank_sum
  from r`;
  const [row] = rowsOf(await knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]));
  const scored = num(row?.scored);
  const positives = num(row?.positives);
  const negatives = scored - positives;
  const tp = num(row?.tp);
  const predicted = num(row?.predicted);
  return {
    run: Number(run.id),
    scoredAt: at.toISOString(),
    threshold: CHURN_THRESHOLD,
    scored,
    churned: positives,
    predicted,
    truePositives: tp,
    precision: ratio(tp, predicted),
    recall: ratio(tp, positives),
    auc: positives && negatives ? (num(row?.rank_sum) - (positives * (positives + 1)) / 2) / (positives * negatives) : null,
  };
};

/** Tags created in the period; tag assignments made in it; customers holding a live tag at the end; assignments that expired in it. */
export const tagFigures = async (knex: Knex, t: HostTables, p: Period) => {
  const [s, e] = [bindDate(knex, p.start), bindDate(knex, p.end)];
  const newTags: any = await knex(t.tags).where('created_at', '>=', s).andWhere('created_at', '<', e).count({ n: '*' }).first();
  const row: any = await knex(TABLES.customerTags)
    .select(
      knex.raw('sum(case when created_at >= ? and created_at < ? then 1 else 0 end) as assignments', [s, e]),
      knex.raw('sum(case when expires_at >= ? and expires_at < ? then 1 else 0 end) as expired', [s, e]),
      knex.raw('count(distinct case when created_at < ? and (expires_at is null or expires_at >= ?) then customer_id end) as tagged', [e, e])
    )
    .first();
  return { newTags: num(newTags?.n), assignments: num(row?.assignments), taggedCustomers: num(row?.tagged), expired: num(row?.expired) };
};

/**
 * Lifecycle over the period: repurchase (buyers in the period with at least two paid orders by its
 * end), referral (customers created in it with a referrer), complaints (customers with a complaint
 * interaction among those active, a paid order or an interaction, in it).
 */
export const lifecycleFigures = async (knex: Knex, t: HostTables, p: Period) => {
  const [s, e] = [bindDate(knex, p.start), bindDate(knex, p.end)];
  const orders = TABLES.customerOrders;
  const buyers: any = await knex
    .from(
      knex(orders)
        .where('status', 'paid')
        .andWhere('ordered_at', '<', e)
        .groupBy('customer_id')
        .select('customer_id', knex.raw('count(*) as n'), knex.raw('max(case when ordered_at >= ? then 1 else 0 end) as now', [s]))
        .as('b')
    )
    .where('b.now', 1)
    .select(knex.raw('count(*) as buyers'), knex.raw('sum(case when b.n >= 2 then 1 else 0 end) as repeat_buyers'))
    .first();
  const ref = t.referrer;
  const fresh: any = await knex(`${t.customers} as c`)
    .where('c.created_at', '>=', s)
    .andWhere('c.created_at', '<', e)
    .select(
      knex.raw('count(*) as n'),
      knex.raw(`sum(case when exists (select 1 from ?? r where r.?? = c.id and r.?? is not null) then 1 else 0 end) as referred`, [
        ref.table,
        ref.customer,
        ref.referrer,
      ])
    )
    .first();
  const active: any = await knex
    .from(
      knex
        .select('customer_id', knex.raw('0 as complaint'))
        .from(orders)
        .where('status', 'paid')
        .andWhere('ordered_at', '>=', s)
        .andWhere('ordered_at', '<', e)
        .unionAll((u) =>
          u
            .select('customer_id', knex.raw("case when type = 'complaint' then 1 else 0 end"))
            .from(TABLES.customerEvents)
            .where('occurred_at', '>=', s)
            .andWhere('occurred_at', '<', e)
        )
        .as('a')
    )
    .select(knex.raw('count(distinct a.customer_id) as active'), knex.raw('count(distinct case when a.complaint = 1 then a.customer_id end) as complainants'))
    .first();
  return {
    buyers: num(buyers?.buyers),
    repeatBuyers: num(buyers?.repeat_buyers),
    newCustomers: num(fresh?.n),
    referred: num(fresh?.referred),
    activeCustomers: num(active?.active),
    complainants: num(active?.complainants),
  };
};
