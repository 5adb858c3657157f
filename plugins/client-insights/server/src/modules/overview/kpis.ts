import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { bindDate } from '../../core/db/dialect';
import { hostTables } from '../../core/db/tables';
import type { Kpi } from '../../../../shared/contracts/overview';

const DAY = 24 * 3600 * 1000;
/** Active: an interaction in the last 30 days. Churn risk: a paid order and none for 90 days. */
export const ACTIVE_DAYS = 30;
const CHURN_QUIET_DAYS = 90;
const WINDOW = ACTIVE_DAYS * DAY;
const CHURN_QUIET = CHURN_QUIET_DAYS * DAY;

const recentInteraction = (days: number) => ({ '<': [{ days_since: [{ var: 'metrics.last_interaction_at' }] }, days] });
/** Each KPI's drill-down rule: exactly the customers its current value counts (tested against the preview). */
export const KPI_RULES = {
  active: recentInteraction(ACTIVE_DAYS),
  churn_risk: { and: [{ '>': [{ var: 'metrics.order_count' }, 0] }, { '!': [recentInteraction(CHURN_QUIET_DAYS)] }] },
  newSince: (monthStart: Date) => ({ '>=': [{ var: 'customer.created_at' }, monthStart.toISOString()] }),
  /** Customers with a paid order this month (the deals card counts their orders). */
  dealsSince: (monthStart: Date) => ({ '>=': [{ var: 'metrics.last_order_at' }, monthStart.toISOString()] }),
};
/** Retention is over a base of customers no rule can name (active in the 30 days before the last 30): the customer list's `retained` filter is its drill-down. */
export const RETENTION_FILTER = { retained: 'true' };
/** Points in each sparkline: the current period and the five before it. */
export const POINTS = 6;

/** A KPI card as the API shows it (shared/contracts/overview.ts). */
export type { Kpi };
export type KpiKey = Kpi['key'];

const monthStart = (d: Date, back = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
const iso = (d: Date) => d.toISOString().slice(0, 10);
const num = (v: unknown) => Number(v ?? 0);

/**
 * KPIs at the current point mean what their drill-down rules mean (docs/rules.md): "in the last N days"
 * is `t > now − N days` with no upper bound, and the metrics count every paid order and
 * interaction, so rows dated after now count there too. Earlier points see the rows up to that
 * point only: `upTo` is that bound (`and column <= p`) for point i of `count`, none for the last.
 */
const upTo = (i: number, count: number, column: string, p: unknown, closed = false): [string, unknown[]] =>
  closed || i < count - 1 ? [` and ${column} <= ?`, [p]] : ['', []];

/** Rolling points: now, now - 30 d, … (oldest first). */
const rollingPoints = (now: Date) => Array.from({ length: POINTS }, (_, i) => new Date(now.getTime() - (POINTS - 1 - i) * WINDOW));

/**
 * Calendar windows: [1st of month, same elapsed time into it) for the current month; whole months before.
 * The previous-period figure compares like with like: the previous month up to the same elapsed time.
 */
const monthWindows = (now: Date) => {
  const windows = Array.from({ length: POINTS }, (_, i) => {
    const back = POINTS - 1 - i;
    const start = monthStart(now, back);
    const end = back === 0 ? now : monthStart(now, back - 1);
    return { start, end, label: start.toISOString().slice(0, 7) };
  });
  const prevStart = monthStart(now, 1);
  const elapsed = now.getTime() - monthStart(now).getTime();
  const prevToDate = { start: prevStart, end: new Date(Math.min(prevStart.getTime() + elapsed, monthStart(now).getTime())) };
  return { windows, prevToDate };
};

const sumCase = (knex: Knex, condition: string, bindings: unknown[], alias: string) =>
  knex.raw(`sum(case when ${condition} then 1 else 0 end) as ??`, [...bindings, alias] as any);

/**
 * The six KPI cards, each an SQL aggregate over all customers (one statement per KPI): the one
 * definition of the board, used by the overview (now) and by the monitoring report (as of its
 * period's end). `closed`: the last point too sees only rows up to `now` (a report of a past
 * period), where the overview's current point counts rows dated after now as its rules do.
 */
export const computeKpis = async (strapi: Core.Strapi, now = new Date(), closed = false): Promise<{ asOf: string; kpis: Kpi[] }> => {
  const knex = strapi.db.connection;
  const t = hostTables(strapi);
  const d = (date: Date) => bindDate(knex, date);
  const points = rollingPoints(now);
  const { windows, prevToDate } = monthWindows(now);
  const rollingLabel = (p: Date) => iso(p);

  // Total customers created up to each point.
  const totalRow = await knex(t.customers)
    .select(
      points.map((p, i) => {
        const [bound, bindings] = upTo(i, POINTS, 'created_at', d(p), closed);
        return sumCase(knex, `1 = 1${bound}`, bindings, `p${i}`);
      })
    )
    .first();

  // Interactions by customer: active in each 30-day window, and "quiet for 90 days" at each point.
  const oldest = new Date(points[0].getTime() - Math.max(2 * WINDOW, CHURN_QUIET));
  const perCustomer = knex(`${t.interactions} as i`)
    .join(`${t.interactionCustomer.table} as l`, `l.${t.interactionCustomer.interaction}`, 'i.id')
    .where('i.occurred_at', '>', d(oldest))
    .groupBy(`l.${t.interactionCustomer.customer}`)
    .select(`l.${t.interactionCustomer.customer} as customer_id`);
  // a{k}: active in (p_k - 30 d, p_k]; a{-1} is the window before the first point (for retention).
  const activeWindows = [new Date(points[0].getTime() - WINDOW), ...points];
  const since = (alias: string, from: Date, [bound, bindings]: [string, unknown[]]) =>
    knex.raw(`max(case when i.occurred_at > ?${bound} then 1 else 0 end) as ??`, [d(from), ...bindings, alias]);
  activeWindows.forEach((p, i) => {
    perCustomer.select(since(`a${i}`, new Date(p.getTime() - WINDOW), upTo(i, activeWindows.length, 'i.occurred_at', d(p), closed)));
  });
  points.forEach((p, i) => {
    perCustomer.select(since(`q${i}`, new Date(p.getTime() - CHURN_QUIET), upTo(i, POINTS, 'i.occurred_at', d(p), closed)));
  });
  const activity = await knex
    .from(perCustomer.as('x'))
    .select(
      points.flatMap((_, i) => [
        knex.raw('sum(??) as ??', [`a${i + 1}`, `active${i}`]),
        knex.raw('sum(??) as ??', [`a${i}`, `base${i}`]),
        knex.raw('sum(?? * ??) as ??', [`a${i}`, `a${i + 1}`, `kept${i}`]),
      ])
    )
    .first();

  // Churn risk at each point: a paid order by then, and no interaction in the 90 days before.
  const firstPaid = knex(`${t.orders} as o`)
    .join(`${t.orderCustomer.table} as l`, `l.${t.orderCustomer.order}`, 'o.id')
    .where('o.payment_status', 'paid')
    .groupBy(`l.${t.orderCustomer.customer}`)
    .select(`l.${t.orderCustomer.customer} as customer_id`)
    .min({ first_paid: 'o.ordered_at' });
  const churnRow = await knex
    .from(firstPaid.as('f'))
    .leftJoin(perCustomer.clone().as('x'), 'x.customer_id', 'f.customer_id')
    .select(
      points.map((p, i) => {
        const [bound, bindings] = upTo(i, POINTS, 'f.first_paid', d(p), closed);
        return sumCase(knex, `coalesce(x.q${i}, 0) = 0${bound}`, bindings, `p${i}`);
      })
    )
    .first();

  // New customers and paid deals per calendar window; the current month's has no end (see upTo).
  const calendar = [...windows, prevToDate];
  const inMonth = (column: string, w: (typeof calendar)[number], i: number) =>
    (i === POINTS - 1 && !closed ? [`${column} >= ?`, [d(w.start)]] : [`${column} >= ? and ${column} < ?`, [d(w.start), d(w.end)]]) as [string, unknown[]];
  const newRow = await knex(t.customers)
    .select(calendar.map((w, i) => sumCase(knex, ...inMonth('created_at', w, i), `w${i}`)))
    .first();
  const dealsRow = await knex(t.orders)
    .where('payment_status', 'paid')
    .select(calendar.map((w, i) => sumCase(knex, ...inMonth('ordered_at', w, i), `w${i}`)))
    .first();

  const rolling = (key: KpiKey, values: number[], unit: Kpi['unit'], rule: unknown | null, filter?: Kpi['filter']): Kpi => ({
    key,
    unit,
    value: values[POINTS - 1],
    previous: values[POINTS - 2],
    series: points.map((p, i) => ({ period: rollingLabel(p), value: values[i] })),
    rule,
    ...(filter ? { filter } : {}),
  });
  const monthly = (key: KpiKey, row: any, rule: unknown): Kpi => ({
    key,
    unit: 'count',
    value: num(row?.[`w${POINTS - 1}`]),
    previous: num(row?.[`w${POINTS}`]),
    series: windows.map((w, i) => ({ period: w.label, value: num(row?.[`w${i}`]) })),
    rule,
  });
  const idx = [...Array(POINTS).keys()];
  const thisMonth = monthStart(now);

  return {
    asOf: now.toISOString(),
    kpis: [
      rolling(
        'total',
        idx.map((i) => num(totalRow?.[`p${i}`])),
        'count',
        null
      ),
      rolling(
        'active',
        idx.map((i) => num(activity?.[`active${i}`])),
        'count',
        KPI_RULES.active
      ),
      rolling(
        'churn_risk',
        idx.map((i) => num(churnRow?.[`p${i}`])),
        'count',
        KPI_RULES.churn_risk
      ),
      monthly('new', newRow, KPI_RULES.newSince(thisMonth)),
      monthly('deals', dealsRow, KPI_RULES.dealsSince(thisMonth)),
      rolling(
        'retention',
        idx.map((i) => {
          const base = num(activity?.[`base${i}`]);
          return base === 0 ? 0 : num(activity?.[`kept${i}`]) / base;
        }),
        'percent',
        null,
        RETENTION_FILTER
      ),
    ],
  };
};
