/**
 * A generated customer base for the rule-engine tests, written straight into the tables Strapi
 * created (plus link tables and the plugin's ci_* tables) in batches. Deliberately full of edge
 * cases: nulls everywhere, no orders / interactions / metrics row / scores row, amounts and dates
 * exactly on the boundaries the rule generator uses, expired tags, segments with old runs,
 * case and trailing-space variants of texts.
 */
import crypto from 'crypto';
import type { Knex } from 'knex';
import { copyActivity } from '../../plugins/client-insights/server/src/modules/metrics/activity';
import { LAST_EVENT_TYPES, lastEventColumn } from '../../plugins/client-insights/server/src/modules/metrics/last-events';
import { encryptRow } from '../../plugins/client-insights/server/src/core/security/field-crypto';

export const DAY = 86_400_000;

/** Small seeded PRNG (mulberry32): the same seed gives the same data and rules. */
export const prng = (seed: number) => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
};
export type Random = ReturnType<typeof prng>;

/** Windows the generator uses, so data sits exactly on their edges. */
export const WINDOWS = [0, 1, 7, 30, 90, 365];
export const DAY_OFFSETS = [0, 1, 6, 7, 29, 30, 31, 89, 90, 364, 365, 366, 700];

export const VALUES = {
  names: ['Li Wei', 'li wei', 'Li Wei ', 'Wang Fang', 'Zhang San', 'Chen Jing', "O'Brien", '', '%_wild'],
  emails: ['li@example.com', 'LI@example.com', 'wang@example.cn', 'x@test.local'],
  phones: ['+86 138 0000 0000', '13800000000', '+852 9000 0000'],
  regions: ['Beijing', 'beijing', 'Beijing ', 'Shanghai', 'Shenzhen', 'Hong Kong', 'Taipei', ''],
  languages: ['zh', 'en', 'zh-Hant', 'ZH'],
  majors: ['Computer Science', 'computer science', 'Finance', 'Data Science', 'Economics'],
  programs: ['MSc', 'MBA', 'PhD', 'BSc', 'Foundation'],
  amounts: [0, 0.1, 0.2, 0.5, 100, 4999.99, 5000, 5000.5, 20000, 99999.99, 100000, 100000.01, 250000],
  /**
   * Paid orders whose average does not end in two decimals (30.01 / 3, 129500 / 3), or ends
   * exactly on a literal where doubles miss it (2.34 / 3 is 0.7799999999999999 in floats).
   */
  averages: [
    [10, 10, 10.01],
    [0.78, 0.78, 0.78],
    [43166.67, 43166.67, 43166.66],
    [0.1, 0.1, 0.1],
    [4999.99, 5000, 5000],
    [100000, 100000.01, 100000.01, 100000.01],
  ],
  averageLiterals: [10, 10.01, 0.78, 0.1, 43166.67, 43166.66, 10.003333333333334, 0.7799999999999999, 4999.996666666667, 4999.99, 100000.0075],
  tags: ['vip', 'VIP', 'at-risk', 'student', 'expired-only'],
  segments: ['high-value', 'High-Value', 'dormant', 'empty-segment', 'no-current-run'],
  scores: {
    rfm: [1, 1.5, 2.25, 3, 3.3333, 4.75, 5],
    clv: [0, 1000.5, 25000, 99999.99],
    probability: [0, 0.12345, 0.5, 0.99999, 1],
  },
};

export const EDUCATION = ['high_school', 'bachelor', 'master', 'doctorate', 'other'];
export const STAGES = ['consultation', 'application', 'signed', 'in_service', 'churned'];
export const LEAD_SOURCES = ['website', 'referral', 'event', 'advertising', 'partner', 'other'];
export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost'];
export const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'];
export const KINDS = ['new', 'renewal', 'upsell'];
export const STATUSES = ['paid', 'pending', 'overdue', 'refunded'];

export type Dataset = {
  customerIds: number[];
  /** Every datetime written, so the rule generator can hit them exactly. */
  dates: Date[];
  tagSlugs: string[];
  segmentKeys: string[];
  adminIds: number[];
};

/** A date on or next to a boundary of the windows and day counts the rules use. */
export const boundaryDate = (r: Random, now: Date) => {
  const base = now.getTime() - r.pick(DAY_OFFSETS) * DAY;
  return new Date(base + r.pick([0, 0, -1, 1, -3_600_000, 3_600_000]));
};
const someDate = (r: Random, now: Date) => (r.chance(0.6) ? boundaryDate(r, now) : new Date(now.getTime() - r.int(-30, 800) * DAY - r.int(0, DAY - 1)));

const maybe = <T>(r: Random, p: number, value: () => T): T | null => (r.chance(p) ? value() : null);

const cents = (n: number) => Math.round(n * 100) / 100;

export const insertBatches = async (knex: Knex, table: string, rows: Record<string, unknown>[], size = 200) => {
  for (let i = 0; i < rows.length; i += size) await knex(table).insert(rows.slice(i, i + size));
};

/** Builds the dataset on `knex` (an empty Strapi database). */
export const buildDataset = async (
  knex: Knex,
  { customers: count, seed, now, bindDate }: { customers: number; seed: number; now: Date; bindDate: (d: Date) => unknown }
): Promise<Dataset> => {
  const r = prng(seed);
  const dates: Date[] = [];
  const d = (date: Date | null) => {
    if (!date) return null;
    dates.push(date);
    return bindDate(date);
  };
  const doc = () => crypto.randomBytes(12).toString('hex');
  const stamp = bindDate(now);

  const adminIds = [9001, 9002, 9003];
  await insertBatches(
    knex,
    'admin_users',
    adminIds.map((id) => ({ id, document_id: doc(), firstname: `Owner ${id}`, email: `owner${id}@test.local`, is_active: true, blocked: false }))
  );

  const tagIds = VALUES.tags.map((_, i) => 101 + i);
  await insertBatches(
    knex,
    'tags',
    VALUES.tags.map((slug, i) => ({ id: tagIds[i], document_id: doc(), name: `Tag ${slug}`, slug, category: 'basic', visibility: 'global' }))
  );
  const segmentIds = VALUES.segments.map((_, i) => 201 + i);
  await insertBatches(
    knex,
    'segments',
    VALUES.segments.map((key, i) => ({ id: segmentIds[i], document_id: doc(), name: `Segment ${key}`, key, type: 'dynamic', segment_status: 'active' }))
  );
  // Current runs: 2 for most segments; "no-current-run" has members but no current pointer.
  await insertBatches(
    knex,
    'ci_segment_current',
    segmentIds.filter((_, i) => VALUES.segments[i] !== 'no-current-run').map((segment_id) => ({ segment_id, run_id: 2, updated_at: stamp }))
  );

  const customerRows: Record<string, unknown>[] = [];
  const owners: Record<string, unknown>[] = [];
  const referrers: Record<string, unknown>[] = [];
  const orders: Record<string, unknown>[] = [];
  const orderLinks: Record<string, unknown>[] = [];
  const interactions: Record<string, unknown>[] = [];
  const interactionLinks: Record<string, unknown>[] = [];
  const customerTags: Record<string, unknown>[] = [];
  const members: Record<string, unknown>[] = [];
  const metrics: Record<string, unknown>[] = [];
  const scores: Record<string, unknown>[] = [];
  const customerIds: number[] = [];
  const referralCount = new Map<number, number>();
  let orderId = 0;
  let interactionId = 0;

  for (let i = 1; i <= count; i += 1) {
    const id = i;
    customerIds.push(id);
    customerRows.push({
      id,
      document_id: doc(),
      name: maybe(r, 0.95, () => r.pick(VALUES.names)),
      email: maybe(r, 0.6, () => r.pick(VALUES.emails)),
      phone: maybe(r, 0.5, () => r.pick(VALUES.phones)),
      region: maybe(r, 0.8, () => r.pick(VALUES.regions)),
      language: maybe(r, 0.7, () => r.pick(VALUES.languages)),
      education: maybe(r, 0.7, () => r.pick(EDUCATION)),
      target_major: maybe(r, 0.6, () => r.pick(VALUES.majors)),
      program: maybe(r, 0.6, () => r.pick(VALUES.programs)),
      stage: maybe(r, 0.95, () => r.pick(STAGES)),
      lead_source: maybe(r, 0.7, () => r.pick(LEAD_SOURCES)),
      created_at: d(maybe(r, 0.97, () => someDate(r, now))),
      updated_at: stamp,
      published_at: stamp,
    });
    if (r.chance(0.7)) owners.push({ customer_id: id, user_id: r.pick(adminIds) });
    if (id > 1 && r.chance(0.3)) {
      const referrer = r.int(1, id - 1);
      referrers.push({ customer_id: id, inv_customer_id: referrer });
      referralCount.set(referrer, (referralCount.get(referrer) ?? 0) + 1);
    }

    // Orders: a quarter of customers have none.
    const myOrders: Array<{ amount: number; margin: number | null; status: string; kind: string; at: Date; end: Date | null }> = [];
    const averaged = r.chance(0.1) ? r.pick(VALUES.averages) : null;
    const orderCount = averaged ? averaged.length : r.chance(0.25) ? 0 : r.int(1, 5);
    for (let k = 0; k < orderCount; k += 1) {
      const order = {
        amount: averaged ? averaged[k] : r.chance(0.8) ? r.pick(VALUES.amounts) : r.int(1, 300_000) / 2,
        margin: maybe(r, 0.8, () => cents(r.int(0, 50_000) / 4)),
        status: averaged || r.chance(0.6) ? 'paid' : r.pick(STATUSES),
        kind: r.pick(KINDS),
        at: someDate(r, now),
        end: maybe(r, 0.5, () => someDate(r, new Date(now.getTime() + 400 * DAY))),
      };
      myOrders.push(order);
      orderId += 1;
      orders.push({
        id: orderId,
        document_id: doc(),
        amount: order.amount,
        gross_margin: order.margin,
        currency: 'CNY',
        kind: order.kind,
        payment_status: order.status,
        ordered_at: d(order.at),
        contract_end_at: d(order.end),
        created_at: stamp,
        updated_at: stamp,
        published_at: stamp,
      });
      orderLinks.push({ order_id: orderId, customer_id: id, order_ord: k + 1 });
    }

    // Interactions: a third of customers have none.
    const myEvents: Array<{ type: string; at: Date }> = [];
    const eventCount = r.chance(0.33) ? 0 : r.int(1, 6);
    for (let k = 0; k < eventCount; k += 1) {
      const event = { type: r.pick(['meeting_attended', 'complaint', 'email_open', 'website_visit', 'referral', 'event_checkin']), at: someDate(r, now) };
      myEvents.push(event);
      interactionId += 1;
      interactions.push({
        id: interactionId,
        document_id: doc(),
        type: event.type,
        occurred_at: d(event.at),
        channel: 'email',
        created_at: stamp,
        updated_at: stamp,
        published_at: stamp,
      });
      interactionLinks.push({ interaction_id: interactionId, customer_id: id, interaction_ord: k + 1 });
    }

    for (const [t, tagId] of tagIds.entries()) {
      if (!r.chance(0.25)) continue;
      const slug = VALUES.tags[t];
      const expires =
        slug === 'expired-only'
          ? new Date(now.getTime() - r.int(0, 10) * DAY)
          : r.pick([null, null, new Date(now.getTime() - DAY), now, new Date(now.getTime() + 1), new Date(now.getTime() + 30 * DAY)]);
      customerTags.push({ customer_id: id, tag_id: tagId, source: 'manual', created_at: stamp, expires_at: d(expires) });
    }

    for (const [s, segmentId] of segmentIds.entries()) {
      if (VALUES.segments[s] === 'empty-segment') continue;
      if (r.chance(0.3)) members.push({ segment_id: segmentId, run_id: 2, customer_id: id });
      if (r.chance(0.3)) members.push({ segment_id: segmentId, run_id: 1, customer_id: id }); // an old run
    }

    // Metrics as docs/rules.md defines them; some customers (with nothing to count) get no row at all.
    const paid = myOrders.filter((o) => o.status === 'paid');
    const total = cents(paid.reduce((s, o) => s + o.amount, 0));
    const times = (list: Array<{ at: Date }>) => list.map((o) => o.at.getTime());
    const ends = paid.map((o) => o.end?.getTime()).filter((t): t is number => t !== undefined);
    const metric = {
      customer_id: id,
      order_count: paid.length,
      total_spent: total,
      gross_margin: cents(paid.reduce((s, o) => s + (o.margin ?? 0), 0)),
      avg_order_value: paid.length ? cents(total / paid.length) : null,
      first_order_at: d(paid.length ? new Date(Math.min(...times(paid))) : null),
      last_order_at: d(paid.length ? new Date(Math.max(...times(paid))) : null),
      renewal_count: paid.filter((o) => o.kind === 'renewal').length,
      overdue_amount: cents(myOrders.filter((o) => o.status === 'overdue').reduce((s, o) => s + o.amount, 0)),
      contract_end_at: d(ends.length ? new Date(Math.max(...ends)) : null),
      last_interaction_at: d(myEvents.length ? new Date(Math.max(...times(myEvents))) : null),
      referral_count: 0,
      complaint_count: myEvents.filter((e) => e.type === 'complaint').length,
      updated_at: stamp,
      // The latest interaction of each type (metrics/last-events.ts).
      ...Object.fromEntries(
        LAST_EVENT_TYPES.map((type) => {
          const ofType = myEvents.filter((e) => e.type === type);
          return [lastEventColumn(type), d(ofType.length ? new Date(Math.max(...times(ofType))) : null)];
        })
      ),
    };
    const empty = myOrders.length === 0 && myEvents.length === 0;
    if (!(empty && r.chance(0.7))) metrics.push(metric);

    if (r.chance(0.8)) {
      scores.push({
        customer_id: id,
        r: maybe(r, 0.9, () => r.int(1, 5)),
        f: maybe(r, 0.9, () => r.int(1, 5)),
        m: maybe(r, 0.9, () => r.int(1, 5)),
        rfm: maybe(r, 0.9, () => r.pick(VALUES.scores.rfm)),
        rfm_segment: maybe(r, 0.9, () => r.pick(RFM_SEGMENTS)),
        quadrant: maybe(r, 0.9, () => r.pick(QUADRANTS)),
        clv: maybe(r, 0.9, () => r.pick(VALUES.scores.clv)),
        churn_risk: maybe(r, 0.9, () => r.pick(VALUES.scores.probability)),
        renewal_probability: maybe(r, 0.9, () => r.pick(VALUES.scores.probability)),
        upsell_probability: maybe(r, 0.9, () => r.pick(VALUES.scores.probability)),
        model_version: 'test',
        calculated_at: stamp,
      });
    }
  }
  // Referral counts are known only once every customer is drawn.
  for (const m of metrics) m.referral_count = referralCount.get(m.customer_id as number) ?? 0;
  const withRow = new Set(metrics.map((m) => m.customer_id));
  for (const [referrer] of referralCount) {
    if (!withRow.has(referrer)) {
      metrics.push({
        customer_id: referrer,
        order_count: 0,
        total_spent: 0,
        gross_margin: 0,
        overdue_amount: 0,
        renewal_count: 0,
        complaint_count: 0,
        referral_count: referralCount.get(referrer),
        updated_at: stamp,
      });
    }
  }

  // Contact data stored as the app stores it: encrypted, with the hashes equality rules compare.
  await insertBatches(
    knex,
    'customers',
    customerRows.map((row) => encryptRow(row))
  );
  await insertBatches(knex, 'customers_owner_lnk', owners);
  await insertBatches(knex, 'customers_referrer_lnk', referrers);
  await insertBatches(knex, 'orders', orders);
  await insertBatches(knex, 'orders_customer_lnk', orderLinks);
  await insertBatches(knex, 'interactions', interactions);
  await insertBatches(knex, 'interactions_customer_lnk', interactionLinks);
  await insertBatches(knex, 'ci_customer_tags', customerTags);
  await insertBatches(knex, 'ci_segment_members', members);
  await insertBatches(knex, 'ci_customer_metrics', metrics);
  await insertBatches(knex, 'ci_customer_scores', scores);
  // Rows went in around Strapi (no lifecycles): copy the activity the rule operators read, as a
  // drain would. The hand-made metrics rows above stay (they carry nulls a rebuild would not).
  await copyActivity(knex);
  // A customer deleted since: its tag rows stay for good, its activity copies and memberships until
  // the next drain and run. No rule may select it (rules/compile.ts unionCustomers checks).
  const gone = count + 1;
  const recently = bindDate(new Date(now.getTime() - DAY));
  await insertBatches(
    knex,
    'ci_customer_tags',
    tagIds.map((tag_id) => ({ customer_id: gone, tag_id, source: 'manual', created_at: stamp, expires_at: null }))
  );
  await insertBatches(
    knex,
    'ci_customer_events',
    LAST_EVENT_TYPES.map((type) => ({ customer_id: gone, type, occurred_at: recently }))
  );
  await knex('ci_customer_orders').insert({ customer_id: gone, order_id: orderId + 1, status: 'paid', kind: 'new', ordered_at: recently, amount: 100000 });
  await insertBatches(
    knex,
    'ci_segment_members',
    segmentIds.map((segment_id) => ({ segment_id, run_id: 2, customer_id: gone }))
  );

  return { customerIds, dates, tagSlugs: VALUES.tags, segmentKeys: VALUES.segments, adminIds };
};
