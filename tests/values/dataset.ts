import crypto from 'crypto';
import type { Knex } from 'knex';
import { TABLES } from '../../plugins/client-insights/server/src/core/db/tables';
import { copyActivity } from '../../plugins/client-insights/server/src/modules/metrics/activity';

/**
 * A small value-model dataset written straight into Strapi's tables (fast, deterministic), and a
 * brute-force JS RFM over the same data, written from the definitions, not from the SQL.
 */
const DAY = 86_400_000;
export type Order = {
  amount: number;
  margin: number | null;
  kind: 'new' | 'renewal' | 'upsell';
  status: 'paid' | 'pending' | 'overdue' | 'refunded';
  at: number;
  contractEnd: number | null;
};
export type Interaction = { type: string; at: number };
export type Person = { name: string; orders: Order[]; interactions: Interaction[]; riskTag: boolean };

export const mulberry = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Many ties on purpose: amounts from a short list, order days from a short list, random hours. */
export const makePeople = (seed: number, n: number, now: Date): Person[] => {
  const rnd = mulberry(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const at = (days: number) => now.getTime() - days * DAY - Math.floor(rnd() * 20) * 3_600_000;
  return Array.from({ length: n }, (_, i) => {
    const orders: Order[] = [];
    const kind = rnd();
    const count = kind < 0.2 ? 0 : pick([1, 1, 2, 3, 5]);
    for (let k = 0; k < count; k += 1) {
      const t = at(pick([3, 10, 40, 40, 200, 400, 900]));
      orders.push({
        amount: pick([1000, 2000, 2000, 5000]),
        margin: rnd() < 0.15 ? null : pick([100, 300, 300, 900]),
        kind: k === 0 ? 'new' : pick(['renewal', 'upsell', 'renewal']),
        status: rnd() < 0.85 ? 'paid' : pick(['pending', 'overdue', 'refunded']),
        at: t,
        contractEnd: rnd() < 0.7 ? t + pick([180, 365, 730]) * DAY : null,
      });
    }
    const interactions: Interaction[] = [];
    for (let k = 0, m = Math.floor(rnd() * 4); k < m; k += 1) {
      interactions.push({
        type: pick(['meeting_attended', 'complaint', 'email_open', 'negative_feedback', 'meeting_attended']),
        at: at(pick([1, 5, 60, 300, 1000])),
      });
    }
    return { name: `P${String(i).padStart(3, '0')}`, orders, interactions, riskTag: rnd() < 0.15 };
  });
};

const docId = () => crypto.randomBytes(12).toString('hex');

/** Inserts people (in the given order) with their orders, interactions and the risk tag; returns name → customer id. */
export const insertPeople = async (knex: Knex, people: Person[], date: (ms: number) => unknown): Promise<Map<string, number>> => {
  const stamp = date(Date.now());
  let tag = await knex('tags').where({ slug: 'ci-test-risk' }).first();
  if (!tag) {
    await knex('tags').insert({
      document_id: docId(),
      name: 'Risk',
      slug: 'ci-test-risk',
      category: 'risk',
      created_at: stamp,
      updated_at: stamp,
      published_at: stamp,
    });
    tag = await knex('tags').where({ slug: 'ci-test-risk' }).first();
  }
  const ids = new Map<string, number>();
  for (const person of people) {
    await knex('customers').insert({ document_id: docId(), name: person.name, created_at: stamp, updated_at: stamp, published_at: stamp });
    const customer = await knex('customers').where({ name: person.name }).orderBy('id', 'desc').first();
    ids.set(person.name, Number(customer.id));
    for (const o of person.orders) {
      const doc = docId();
      await knex('orders').insert({
        document_id: doc,
        amount: o.amount,
        gross_margin: o.margin,
        kind: o.kind,
        payment_status: o.status,
        currency: 'CNY',
        ordered_at: date(o.at),
        contract_end_at: o.contractEnd === null ? null : date(o.contractEnd),
        created_at: stamp,
        updated_at: stamp,
        published_at: stamp,
      });
      const order = await knex('orders').where({ document_id: doc }).first();
      await knex('orders_customer_lnk').insert({ order_id: order.id, customer_id: customer.id, order_ord: 1 });
    }
    for (const i of person.interactions) {
      const doc = docId();
      await knex('interactions').insert({ document_id: doc, type: i.type, occurred_at: date(i.at), created_at: stamp, updated_at: stamp, published_at: stamp });
      const row = await knex('interactions').where({ document_id: doc }).first();
      await knex('interactions_customer_lnk').insert({ interaction_id: row.id, customer_id: customer.id, interaction_ord: 1 });
    }
    if (person.riskTag)
      await knex('ci_customer_tags').insert({ customer_id: customer.id, tag_id: tag.id, source: 'manual', created_at: stamp, expires_at: null });
  }
  // Rows went in around Strapi (no lifecycles): copy the activity the value models read, as a drain would.
  await copyActivity(knex);
  return ids;
};

export const clearPeople = async (knex: Knex) => {
  for (const table of [
    'ci_customer_tags',
    'orders_customer_lnk',
    'interactions_customer_lnk',
    'orders',
    'interactions',
    'customers',
    'ci_customer_scores',
    TABLES.customerOrders,
    TABLES.customerEvents,
  ]) {
    await knex(table).delete();
  }
};

export type RfmSettings = {
  recency: 'last_paid_order' | 'last_contract' | 'last_interaction';
  frequency: 'orders' | 'renewals' | 'meetings_attended';
  monetary: 'revenue' | 'gross_margin';
  periodDays: number;
  scoring: { method: 'quantile' } | { method: 'thresholds'; r: number[]; f: number[]; m: number[] };
  weights: { r: number; f: number; m: number };
  noOrderScores: { r: number; f: number; m: number };
  noOrderSegment: string;
};
export type Expected = {
  r: number;
  f: number;
  m: number;
  rfm: number;
  segment: string;
  quadrant: string;
  recency: number | null;
  frequency: number;
  monetary: number;
};

/**
 * RFM by brute force: score = 1 + ⌊5 · #(buyers with a strictly worse value) / #buyers⌋, counted pair
 * by pair; a letter whose buyers have at most 5 distinct values scores by value instead:
 * 1 + round(4 · #(distinct values strictly worse) / (#distinct − 1)), and 1 when all are equal.
 */
export const bruteForceRfm = (
  people: Person[],
  s: RfmSettings,
  now: Date,
  q = { highScore: 4, lowRecency: 2, complaintThreshold: 1 }
): Map<string, Expected> => {
  const nowMs = now.getTime();
  const since = nowMs - s.periodDays * DAY;
  const rows = people.map((p) => {
    const paid = p.orders.filter((o) => o.status === 'paid' && o.at <= nowMs);
    const inPeriod = paid.filter((o) => o.at > since);
    const past = p.interactions.filter((i) => i.at <= nowMs);
    const days = (t: number | null) => (t === null ? null : t > nowMs ? 0 : Math.floor((nowMs - t) / DAY));
    const maxOf = (values: number[]) => (values.length ? Math.max(...values) : null);
    const recency =
      s.recency === 'last_paid_order'
        ? days(maxOf(paid.map((o) => o.at)))
        : s.recency === 'last_contract'
          ? days(maxOf(paid.filter((o) => o.contractEnd !== null).map((o) => o.contractEnd as number)))
          : days(maxOf(past.map((i) => i.at)));
    const frequency =
      s.frequency === 'orders'
        ? inPeriod.length
        : s.frequency === 'renewals'
          ? inPeriod.filter((o) => o.kind === 'renewal').length
          : past.filter((i) => i.type === 'meeting_attended' && i.at > since).length;
    const monetary = inPeriod.reduce((sum, o) => sum + (s.monetary === 'revenue' ? o.amount : (o.margin ?? 0)), 0);
    const complaints = past.filter((i) => (i.type === 'complaint' || i.type === 'negative_feedback') && i.at > since).length;
    const overdue = p.orders.filter((o) => o.status === 'overdue' && o.at <= nowMs).reduce((sum, o) => sum + o.amount, 0);
    return { p, buyer: paid.length > 0, recency, frequency, monetary, risk: p.riskTag || overdue > 0 || complaints >= q.complaintThreshold };
  });
  const buyers = rows.filter((r) => r.buyer);
  const quantile = (worse: number, n: number) => 1 + Math.floor((5 * worse) / n);
  const withR = buyers.filter((b) => b.recency !== null);
  /** Score of `value` among `values` (all buyers' values of one letter), `worse(a, b)`: a is worse than b. */
  const scoreOf = (value: number, values: number[], worse: (a: number, b: number) => boolean) => {
    const distinct = [...new Set(values)];
    if (distinct.length > 5) return quantile(values.filter((v) => worse(v, value)).length, values.length);
    if (distinct.length <= 1) return 1;
    return 1 + Math.round((4 * distinct.filter((v) => worse(v, value)).length) / (distinct.length - 1));
  };
  const out = new Map<string, Expected>();
  for (const row of rows) {
    let r: number;
    let f: number;
    let m: number;
    if (!row.buyer) ({ r, f, m } = s.noOrderScores);
    else if (s.scoring.method === 'quantile') {
      r =
        row.recency === null
          ? 1
          : scoreOf(
              row.recency,
              withR.map((b) => b.recency as number),
              (a, b) => a > b
            );
      f = scoreOf(
        row.frequency,
        buyers.map((b) => b.frequency),
        (a, b) => a < b
      );
      m = scoreOf(
        row.monetary,
        buyers.map((b) => b.monetary),
        (a, b) => a < b
      );
    } else {
      const up = (v: number, cuts: number[]) => 1 + cuts.filter((c) => v >= c).length;
      r = row.recency === null ? 1 : 5 - s.scoring.r.filter((c) => (row.recency as number) > c).length;
      f = up(row.frequency, s.scoring.f);
      m = up(row.monetary, s.scoring.m);
    }
    const w = s.weights;
    const segment = !row.buyer
      ? s.noOrderSegment
      : r >= 4 && f >= 4 && m >= 4
        ? 'champions'
        : r >= 3 && f >= 4
          ? 'loyal'
          : r >= 4 && f <= 1
            ? 'new'
            : r >= 3
              ? 'potential'
              : f >= 3 || m >= 3
                ? 'at_risk'
                : 'lost';
    const quadrant =
      r >= q.highScore && f >= q.highScore && m >= q.highScore
        ? 'high_value'
        : r <= q.lowRecency && row.risk
          ? 'churn_risk'
          : r > q.lowRecency
            ? 'potential'
            : 'dormant';
    out.set(row.p.name, {
      r,
      f,
      m,
      rfm: (w.r * r + w.f * f + w.m * m) / (w.r + w.f + w.m),
      segment,
      quadrant,
      recency: row.recency,
      frequency: row.frequency,
      monetary: row.monetary,
    });
  }
  return out;
};
