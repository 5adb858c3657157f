import type { Knex } from 'knex';
import type { AttributionModel } from '../../../../shared/contracts/reports';
import { castInteger, dateParam, elapsedDays, rowsOf, withWorkMem } from '../../core/db/dialect';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import { membershipIntervals } from './membership';

/** An automation step whose action carries a campaign: its sends (log rows with status sent) are touches of it. */
export type TaggedStep = { ruleDoc: string; version: number; stepPath: string; campaignId: number };

export type AttributionInput = {
  campaignId: number;
  steps: TaggedStep[];
  window: number;
  halfLife: number;
  period: { start: Date; end: Date } | null;
  segment: { id: number; membership: 'now' | 'during' } | null;
};

export type Credits = Record<AttributionModel, { conversions: number; revenue: number; margin: number }>;
export type AttributionFigures = {
  touches: { interactions: number; automation: number; customers: number };
  conversions: { orders: number; revenue: number; margin: number; marginOrders: number };
  credits: Credits;
};

const num = (v: unknown) => Number(v ?? 0);
const MODELS: AttributionModel[] = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position'];

/** The tagged steps as rows (rule_doc, version, step_path, campaign_id): a derived table of literal selects, the same SQL on every database. */
const taggedRows = (knex: Knex, steps: TaggedStep[]): Sql =>
  joinSql(
    steps.map(
      (s) =>
        sql`select ${s.ruleDoc} as rule_doc, ${castInteger(knex, sql`${s.version}`)} as version, ${s.stepPath} as step_path, ${castInteger(knex, sql`${s.campaignId}`)} as campaign_id`
    ),
    ' union all '
  );

/**
 * Every touch of every campaign as `(customer_id, campaign_id, at, src, ref)`: interactions linked
 * to a campaign (src 0) and automation sends of a step tagged with one (src 1). `only`: the
 * campaign's touches alone; otherwise every campaign's touches of the converting customers
 * (`ccust`), so the path holds the other campaigns' touches too, and credit is split across them.
 */
const touchesOf = (knex: Knex, t: HostTables, input: AttributionInput, only: boolean): Sql => {
  const ic = t.interactionCustomer;
  const cc = t.interactionCampaign;
  const interactions = sql`select il.${raw(ic.customer)} as customer_id, cl.${raw(cc.campaign)} as campaign_id, i.occurred_at as at, 0 as src, i.id as ref
    from ${raw(t.interactions)} i
    join ${raw(ic.table)} il on il.${raw(ic.interaction)} = i.id
    join ${raw(cc.table)} cl on cl.${raw(cc.interaction)} = i.id
    where ${only ? sql`cl.${raw(cc.campaign)} = ${input.campaignId}` : sql`il.${raw(ic.customer)} in (select customer_id from ccust)`}`;
  const steps = only ? input.steps.filter((s) => s.campaignId === input.campaignId) : input.steps;
  if (!steps.length) return interactions;
  return sql`${interactions}
    union all
    select l.customer_id, m.campaign_id, l.created_at, 1, l.id
    from ${raw(TABLES.automationLogs)} l
    join (${taggedRows(knex, steps)}) m on m.rule_doc = l.rule_doc and m.version = l.version and m.step_path = l.step_path
    where l.status = 'sent' and not l.test and l.customer_id is not null${only ? raw('') : sql` and l.customer_id in (select customer_id from ccust)`}`;
};

/**
 * The campaign's touches, its conversions and every model's credit, in one statement. A
 * conversion is a paid order (ci_customer_orders) with at least one of the campaign's touches in
 * the `window` days before it. Conversions come first, so the other campaigns' touches are read
 * only for the converting customers (index probes for a few thousand, not every touched one). A
 * conversion's path is every campaign's touches of that customer in those days, ordered by time
 * (interactions before sends at the same instant, then by row id). Window functions give each touch its position `pos` of `n` and its age, and the
 * credits are:
 * - first_touch / last_touch: 1 to pos 1 / pos n;
 * - linear: 1/n;
 * - time_decay: 0.5^(age/halfLife), normalised to sum 1 over the path;
 * - position: 40 % first, 40 % last, 20 % shared by the middle ones (one touch: 100 %; two: 50/50).
 * Fractions are float literals (`1e0`): MySQL's decimal division would round them to 4 places.
 * The campaign's credits times the order's amount and gross margin (no margin: 0) are summed.
 */
export const attributionFigures = async (knex: Knex, t: HostTables, input: AttributionInput): Promise<AttributionFigures> => {
  const d = (x: Date) => dateParam(knex, x);
  const x = input.campaignId;
  const age = elapsedDays(knex, raw('t.at'), raw('c.at'));
  const seg = input.segment;
  const segmentFilter = !seg
    ? raw('')
    : seg.membership === 'now'
      ? sql` and o.customer_id in (select m.customer_id from ${raw(TABLES.segmentMembers)} m join ${raw(TABLES.segmentCurrent)} sc on sc.segment_id = m.segment_id and sc.run_id = m.run_id where m.segment_id = ${seg.id})`
      : sql` and exists (select 1 from iv where iv.customer_id = o.customer_id and (iv.start_at is null or iv.start_at <= o.ordered_at)
          and (iv.end_at is null or ${elapsedDays(knex, raw('iv.end_at'), raw('o.ordered_at'))} < ${input.window}))`;
  const periodFilter = input.period ? sql` and o.ordered_at >= ${d(input.period.start)} and o.ordered_at < ${d(input.period.end)}` : raw('');
  const credit = (model: AttributionModel) => raw(`case when campaign_id = ${Number(x)} then m_${model} else 0 end`);
  const statement = sql`with ${seg?.membership === 'during' ? sql`iv as (${membershipIntervals([seg.id])}),` : raw('')}
  xtouch as (${touchesOf(knex, t, input, true)}),
  conv as (
    select o.order_id, o.customer_id, o.ordered_at as at, o.amount, o.gross_margin as margin
    from ${raw(TABLES.customerOrders)} o
    where o.status = 'paid'${periodFilter}${segmentFilter}
      and exists (select 1 from xtouch t where t.customer_id = o.customer_id and t.at <= o.ordered_at and ${elapsedDays(knex, raw('t.at'), raw('o.ordered_at'))} <= ${input.window})
  ),
  ccust as (select distinct customer_id from conv),
  touches as (${touchesOf(knex, t, input, false)}),
  path as (
    select c.order_id, c.amount, c.margin, t.campaign_id, ${age} as age,
      row_number() over (partition by c.order_id order by t.at, t.src, t.ref) as pos,
      count(*) over (partition by c.order_id) as n,
      max(case when t.campaign_id = ${x} then 1 else 0 end) over (partition by c.order_id) as has_x
    from conv c join touches t on t.customer_id = c.customer_id and t.at <= c.at and ${age} <= ${input.window}
  ),
  w as (
    select order_id, amount, margin, campaign_id, pos, n,
      case when pos = 1 then 1e0 else 0e0 end as m_first_touch,
      case when pos = n then 1e0 else 0e0 end as m_last_touch,
      1e0 / n as m_linear,
      power(0.5e0, age / ${input.halfLife}) / sum(power(0.5e0, age / ${input.halfLife})) over (partition by order_id) as m_time_decay,
      case when n = 1 then 1e0 when n = 2 then 0.5e0 when pos = 1 or pos = n then 0.4e0 else 0.2e0 / (n - 2) end as m_position
    from path where has_x = 1
  )
  select
    sum(case when pos = 1 then 1 else 0 end) as orders,
    sum(case when pos = 1 then amount else 0 end) as revenue,
    sum(case when pos = 1 then coalesce(margin, 0) else 0 end) as margin,
    sum(case when pos = 1 and margin is not null then 1 else 0 end) as margin_orders,
    (select count(*) from xtouch where src = 0) as t_interactions,
    (select count(*) from xtouch where src = 1) as t_automation,
    (select count(distinct customer_id) from xtouch) as t_customers,
    ${joinSql(
      MODELS.map(
        (m) =>
          sql`sum(${credit(m)}) as ${raw(`${m}_n`)}, sum(${credit(m)} * amount) as ${raw(`${m}_r`)}, sum(${credit(m)} * coalesce(margin, 0)) as ${raw(`${m}_m`)}`
      ),
      ',\n    '
    )}
  from w`;
  const row = rowsOf(await withWorkMem(knex, 64, (trx) => trx.raw(statement.sql, statement.bindings as Knex.RawBinding[])))[0] ?? {};
  const credits = Object.fromEntries(
    MODELS.map((m) => [m, { conversions: num(row[`${m}_n`]), revenue: num(row[`${m}_r`]), margin: num(row[`${m}_m`]) }])
  ) as Credits;
  return {
    touches: { interactions: num(row.t_interactions), automation: num(row.t_automation), customers: num(row.t_customers) },
    conversions: { orders: num(row.orders), revenue: num(row.revenue), margin: num(row.margin), marginOrders: num(row.margin_orders) },
    credits,
  };
};
