import crypto from 'crypto';
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { copyActivity } from '../../plugins/client-insights/server/src/modules/metrics/activity';
import { mulberry } from '../values/dataset';

/**
 * A small reports dataset written straight into the tables at known instants (customers, paid and
 * unpaid orders with and without margins, interactions, segment enter/exit events and current
 * membership), and the figures computed from it in plain JS from the definitions (docs/api.md),
 * without the plugin's SQL or its period code (local days come from Intl, not luxon).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const T0 = Date.UTC(2025, 0, 1);
export const T1 = Date.UTC(2026, 11, 31);

export type Order = { customer: number; at: number; amount: number; margin: number | null; paid: boolean };
export type Event = { customer: number; at: number; kind: 'enter' | 'exit' };
export type SegmentSpec = { key: string; events: Event[]; current: number[] };
export type Dataset = { customers: number; orders: Order[]; interactions: Array<{ customer: number; at: number }>; segments: SegmentSpec[] };

/** Customers 0..n-1 (indexes; the test maps them to ids), random activity across 2025-2026. */
export const makeDataset = (seed: number, n = 40): Dataset => {
  const rnd = mulberry(seed);
  const at = () => T0 + Math.floor(rnd() * ((T1 - T0) / HOUR)) * HOUR + (rnd() < 0.2 ? 59 * 60_000 : 0);
  const orders: Order[] = [];
  const interactions: Dataset['interactions'] = [];
  for (let c = 0; c < n; c += 1) {
    for (let k = Math.floor(rnd() * 6); k > 0; k -= 1)
      orders.push({
        customer: c,
        at: at(),
        amount: [100, 250, 999.5, 4000][Math.floor(rnd() * 4)],
        margin: rnd() < 0.2 ? null : [10, 60.25][Math.floor(rnd() * 2)],
        paid: rnd() < 0.85,
      });
    for (let k = Math.floor(rnd() * 5); k > 0; k -= 1) interactions.push({ customer: c, at: at() });
  }
  const segment = (key: string, share: number): SegmentSpec => {
    const events: Event[] = [];
    const current: number[] = [];
    for (let c = 0; c < n; c += 1) {
      if (rnd() > share) continue;
      // 1-3 alternating enter/exit events at increasing instants; a customer with none is a "legacy" current member.
      const count = Math.floor(rnd() * 4);
      let t = at();
      for (let k = 0; k < count; k += 1) {
        events.push({ customer: c, at: t, kind: k % 2 === 0 ? 'enter' : 'exit' });
        t += Math.floor(rnd() * 200 + 1) * DAY;
      }
      if (count === 0 || count % 2 === 1) current.push(c);
    }
    return { key, events: events.sort((a, b) => a.at - b.at), current };
  };
  return {
    customers: n,
    orders,
    interactions,
    segments: [segment('big', 0.8), segment('mid', 0.5), segment('small', 0.3), segment('tiny', 0.15), segment('half', 0.5)],
  };
};

const docId = () => crypto.randomBytes(12).toString('hex');

/** Writes the customers, orders and interactions; returns customer ids by index. */
export const insertActivity = async (knex: Knex, data: Dataset): Promise<number[]> => {
  const d = (ms: number) => bindDate(knex, new Date(ms));
  const created = d(Date.UTC(2024, 0, 1));
  const ids: number[] = [];
  for (let c = 0; c < data.customers; c += 1) {
    const doc = docId();
    await knex('customers').insert({ document_id: doc, name: `R${c}`, created_at: created, updated_at: created, published_at: created });
    ids.push(Number((await knex('customers').where({ document_id: doc }).first()).id));
  }
  for (const o of data.orders) {
    const doc = docId();
    await knex('orders').insert({
      document_id: doc,
      amount: o.amount,
      gross_margin: o.margin,
      kind: 'new',
      payment_status: o.paid ? 'paid' : 'pending',
      currency: 'CNY',
      ordered_at: d(o.at),
      created_at: created,
      updated_at: created,
      published_at: created,
    });
    const order = await knex('orders').where({ document_id: doc }).first();
    await knex('orders_customer_lnk').insert({ order_id: order.id, customer_id: ids[o.customer], order_ord: 1 });
  }
  for (const i of data.interactions) {
    const doc = docId();
    await knex('interactions').insert({
      document_id: doc,
      type: 'email_open',
      occurred_at: d(i.at),
      created_at: created,
      updated_at: created,
      published_at: created,
    });
    const row = await knex('interactions').where({ document_id: doc }).first();
    await knex('interactions_customer_lnk').insert({ interaction_id: row.id, customer_id: ids[i.customer], interaction_ord: 1 });
  }
  await copyActivity(knex);
  return ids;
};

/** Replaces a segment's events and current membership with the spec's (a current run id of 1 000 000 + segment id). */
export const writeMembership = async (knex: Knex, segmentId: number, spec: SegmentSpec, ids: number[]) => {
  const runId = 1_000_000 + segmentId;
  await knex('ci_segment_events').where({ segment_id: segmentId }).delete();
  await knex('ci_segment_members').where({ segment_id: segmentId }).delete();
  await knex('ci_segment_current').where({ segment_id: segmentId }).delete();
  for (const e of spec.events)
    await knex('ci_segment_events').insert({
      segment_id: segmentId,
      customer_id: ids[e.customer],
      kind: e.kind,
      occurred_at: bindDate(knex, new Date(e.at)),
      run_id: runId,
    });
  await knex('ci_segment_current').insert({ segment_id: segmentId, run_id: runId, updated_at: bindDate(knex, new Date()) });
  for (const c of spec.current) await knex('ci_segment_members').insert({ segment_id: segmentId, run_id: runId, customer_id: ids[c] });
};

// ---- the independent computation ---------------------------------------------------------------

/** [start, end) intervals of membership per customer index: enter → next event; legacy members forever. */
export const intervalsOf = (spec: SegmentSpec): Array<{ customer: number; start: number; end: number }> => {
  const out: Array<{ customer: number; start: number; end: number }> = [];
  const byCustomer = new Map<number, Event[]>();
  for (const e of spec.events) byCustomer.set(e.customer, [...(byCustomer.get(e.customer) ?? []), e]);
  for (const [customer, events] of byCustomer)
    events.forEach((e, i) => {
      if (e.kind === 'enter') out.push({ customer, start: e.at, end: events[i + 1]?.at ?? Infinity });
    });
  for (const c of spec.current) if (!byCustomer.has(c)) out.push({ customer: c, start: -Infinity, end: Infinity });
  return out;
};

export const membersDuring = (spec: SegmentSpec, start: number, end: number) =>
  new Set(
    intervalsOf(spec)
      .filter((iv) => iv.start < end && iv.end > start)
      .map((iv) => iv.customer)
  );

/** A metric set over a customer set and [start, end), as the API defines it. */
export const expectedMetrics = (data: Dataset, members: Set<number>, start: number, end: number, totalRevenue: number | null) => {
  const paid = data.orders.filter((o) => o.paid && members.has(o.customer) && o.at >= start && o.at < end);
  const revenue = paid.reduce((s, o) => s + o.amount, 0);
  const buyers = new Set(paid.map((o) => o.customer)).size;
  const withMargin = paid.filter((o) => o.margin !== null);
  const before = start - (end - start);
  const active = (c: number, a: number, b: number) =>
    data.orders.some((o) => o.paid && o.customer === c && o.at >= a && o.at < b) || data.interactions.some((i) => i.customer === c && i.at >= a && i.at < b);
  const base = [...members].filter((c) => active(c, before, start));
  const kept = base.filter((c) => active(c, start, end));
  const retention = base.length ? kept.length / base.length : null;
  return {
    customers: members.size,
    revenue,
    orders: paid.length,
    buyers,
    aov: paid.length ? revenue / paid.length : null,
    conversionRate: members.size ? buyers / members.size : null,
    retentionRate: retention,
    churnRate: retention === null ? null : 1 - retention,
    margin: withMargin.length ? withMargin.reduce((s, o) => s + (o.margin as number), 0) : null,
    marginRate: withMargin.length && revenue ? withMargin.reduce((s, o) => s + (o.margin as number), 0) / revenue : null,
    marginCoverage: paid.length ? withMargin.length / paid.length : null,
    retentionBase: base.length,
    revenueShare: totalRevenue ? revenue / totalRevenue : null,
  };
};

/** The local calendar of an instant in a zone, from Intl (not luxon): `yyyy-MM-dd`. */
export const localDay = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

/** ISO week label `YYYY-Www` of a local day `yyyy-MM-dd` (Thursday rule). */
export const isoWeek = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - dow) * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
};

export const bucketLabel = (ms: number, timeZone: string, granularity: 'day' | 'week' | 'month') => {
  const day = localDay(ms, timeZone);
  return granularity === 'day' ? day : granularity === 'month' ? day.slice(0, 7) : isoWeek(day);
};
