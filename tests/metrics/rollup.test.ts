import { LAST_EVENT_TYPES, lastEventColumn } from '../../plugins/client-insights/server/src/modules/metrics/last-events';
import type { createMetricsQueue as CreateMetricsQueue } from '../../plugins/client-insights/server/src/modules/metrics/queue';
import { ROOT, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The metrics rollup kept current by lifecycles equals a from-scratch rebuild after a random
 * sequence of Document Service writes, and a rebuild gives docs/rules.md's numbers on a known dataset.
 */
const C = 'api::customer.customer';
const O = 'api::order.order';
const I = 'api::interaction.interaction';

const NUMERIC = ['order_count', 'total_spent', 'gross_margin', 'avg_order_value', 'renewal_count', 'overdue_amount', 'referral_count', 'complaint_count'];
const DATES = ['first_order_at', 'last_order_at', 'contract_end_at', 'last_interaction_at', ...LAST_EVENT_TYPES.map(lastEventColumn)];

const toMs = (v: unknown) =>
  v === null || v === undefined
    ? null
    : typeof v === 'number'
      ? v
      : /^\d+$/.test(String(v))
        ? Number(v)
        : new Date(v instanceof Date ? v : `${String(v).replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z'}`).getTime();

const snapshot = async (app: TestApp) => {
  const rows = await app.strapi.db.connection('ci_customer_metrics').select('*').orderBy('customer_id');
  return rows.map((row: Record<string, unknown>) => ({
    customer_id: Number(row.customer_id),
    ...Object.fromEntries(NUMERIC.map((k) => [k, row[k] === null ? null : Number(row[k])])),
    ...Object.fromEntries(DATES.map((k) => [k, toMs(row[k])])),
  }));
};

/** Small seeded PRNG so a failure can be replayed with METRICS_SEED. */
const mulberry32 = (seed: number) => () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('metrics rollup', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
  });
  afterAll(async () => app?.stop());

  const metrics = () => app.strapi.plugin('client-insights').service('metrics');
  const events = () => app.strapi.plugin('client-insights').service('events');
  const docs = (uid: string) => app.strapi.documents(uid as any);

  it('computes the docs/rules.md facts on a known dataset', async () => {
    const ref = await docs(C).create({ data: { name: 'Referrer' } });
    const a = await docs(C).create({ data: { name: 'A', referrer: ref.documentId } });
    await docs(C).create({ data: { name: 'B', referrer: ref.documentId } });
    const order = (data: Record<string, unknown>) => docs(O).create({ data: { customer: a.documentId, ...data } as any });
    await order({
      amount: 1000,
      gross_margin: 100,
      kind: 'new',
      payment_status: 'paid',
      ordered_at: '2025-01-10T00:00:00.000Z',
      contract_end_at: '2026-01-10T00:00:00.000Z',
    });
    await order({
      amount: 2000,
      gross_margin: 300,
      kind: 'renewal',
      payment_status: 'paid',
      ordered_at: '2025-06-01T00:00:00.000Z',
      contract_end_at: '2025-12-01T00:00:00.000Z',
    });
    await order({ amount: 500, kind: 'upsell', payment_status: 'overdue', ordered_at: '2025-07-01T00:00:00.000Z' });
    await order({ amount: 700, kind: 'renewal', payment_status: 'refunded', ordered_at: '2025-08-01T00:00:00.000Z' });
    await docs(I).create({ data: { customer: a.documentId, type: 'complaint', occurred_at: '2025-03-01T00:00:00.000Z' } as any });
    await docs(I).create({ data: { customer: a.documentId, type: 'email_open', occurred_at: '2025-09-01T12:00:00.000Z' } as any });
    await docs(I).create({ data: { customer: a.documentId, type: 'email_open', occurred_at: '2025-04-01T12:00:00.000Z' } as any });
    await metrics().drain();
    const kept = await snapshot(app);
    const { rows } = await metrics().rebuild();
    expect(rows).toBe(3);
    const rebuilt = await snapshot(app);
    expect(kept).toEqual(rebuilt);
    const byId = new Map(rebuilt.map((r) => [r.customer_id, r]));
    expect(byId.get(a.id)).toEqual({
      customer_id: a.id,
      order_count: 2,
      total_spent: 3000,
      gross_margin: 400,
      avg_order_value: 1500,
      renewal_count: 1,
      overdue_amount: 500,
      referral_count: 0,
      complaint_count: 1,
      first_order_at: Date.parse('2025-01-10T00:00:00.000Z'),
      last_order_at: Date.parse('2025-06-01T00:00:00.000Z'),
      contract_end_at: Date.parse('2026-01-10T00:00:00.000Z'),
      last_interaction_at: Date.parse('2025-09-01T12:00:00.000Z'),
      // The latest of each type; null for the types it never had.
      ...Object.fromEntries(LAST_EVENT_TYPES.map((type) => [lastEventColumn(type), null])),
      last_complaint_at: Date.parse('2025-03-01T00:00:00.000Z'),
      last_email_open_at: Date.parse('2025-09-01T12:00:00.000Z'),
    });
    expect(byId.get(ref.id)).toMatchObject({ referral_count: 2, order_count: 0, total_spent: 0, avg_order_value: null, last_order_at: null });
  });

  it('after a random sequence of writes the rollup equals a rebuild', async () => {
    const seed = Number(process.env.METRICS_SEED ?? Date.now() % 1_000_000);
    const rnd = mulberry32(seed);
    const pick = <T>(list: T[]): T | undefined => (list.length ? list[Math.floor(rnd() * list.length)] : undefined);
    const date = () => new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 700) * 86_400_000 + Math.floor(rnd() * 86_400_000)).toISOString();
    const customers: string[] = [];
    const orders: string[] = [];
    const interactions: string[] = [];
    const log: string[] = [];
    const changed: number[][] = [];
    const listener = ({ customerIds }: { customerIds: number[] }) => void changed.push(customerIds);
    const off = events().on('customers.changed', listener);

    for (let i = 0; i < 8; i += 1) customers.push((await docs(C).create({ data: { name: `c${i}`, referrer: pick(customers) ?? null } as any })).documentId);
    for (let step = 0; step < 150; step += 1) {
      const op = Math.floor(rnd() * 12);
      log.push(String(op));
      const c = pick(customers);
      switch (op) {
        case 0:
          customers.push((await docs(C).create({ data: { name: `n${step}`, referrer: rnd() < 0.6 ? (c ?? null) : null } as any })).documentId);
          break;
        case 1: // change or drop the referrer
          if (c)
            await docs(C).update({
              documentId: c,
              data: { referrer: rnd() < 0.7 ? (pick(customers.filter((x) => x !== c)) ?? null) : null, stage: 'signed' } as any,
            });
          break;
        case 2: // delete a customer (maybe a referrer of others, maybe with orders)
          if (c && customers.length > 3) {
            await docs(C).delete({ documentId: c });
            customers.splice(customers.indexOf(c), 1);
          }
          break;
        case 3:
        case 4:
          if (c)
            orders.push(
              (
                await docs(O).create({
                  data: {
                    customer: c,
                    amount: Math.round(rnd() * 100000) / 100,
                    gross_margin: rnd() < 0.2 ? null : Math.round(rnd() * 10000) / 100,
                    kind: pick(['new', 'renewal', 'upsell']),
                    payment_status: pick(['paid', 'paid', 'pending', 'overdue', 'refunded']),
                    ordered_at: date(),
                    contract_end_at: rnd() < 0.5 ? date() : null,
                  } as any,
                })
              ).documentId
            );
          break;
        case 5: {
          // move an order to another customer, maybe changing its status
          const o = pick(orders);
          if (o && c)
            await docs(O).update({
              documentId: o,
              data: { customer: c, ...(rnd() < 0.5 ? { payment_status: pick(['paid', 'overdue', 'refunded']) } : {}) } as any,
            });
          break;
        }
        case 6: {
          // change status / amount only
          const o = pick(orders);
          if (o)
            await docs(O).update({ documentId: o, data: { payment_status: pick(['paid', 'pending', 'overdue']), amount: Math.round(rnd() * 50000) } as any });
          break;
        }
        case 7: {
          const o = pick(orders);
          if (o) {
            await docs(O).delete({ documentId: o });
            orders.splice(orders.indexOf(o), 1);
          }
          break;
        }
        case 8:
        case 9:
          if (c)
            interactions.push(
              (await docs(I).create({ data: { customer: c, type: pick(['complaint', 'email_open', 'meeting_attended']), occurred_at: date() } as any }))
                .documentId
            );
          break;
        case 10: {
          // move or retype an interaction, or delete it
          const x = pick(interactions);
          if (!x) break;
          if (rnd() < 0.3) {
            await docs(I).delete({ documentId: x });
            interactions.splice(interactions.indexOf(x), 1);
          } else await docs(I).update({ documentId: x, data: rnd() < 0.5 ? { customer: c } : { type: pick(['complaint', 'follow_up']) } } as any);
          break;
        }
        case 11: {
          // move an order from the customer's side
          const o = pick(orders);
          if (o && c) await docs(C).update({ documentId: c, data: { orders: { connect: [o] } } as any });
          break;
        }
      }
    }
    await metrics().drain();
    off();
    const kept = await snapshot(app);
    await metrics().rebuild();
    const rebuilt = await snapshot(app);
    if (JSON.stringify(kept) !== JSON.stringify(rebuilt)) console.error(`metrics rollup mismatch: METRICS_SEED=${seed} ops=${log.join(',')}`);
    expect(kept).toEqual(rebuilt);
    expect(rebuilt.length).toBe(customers.length + 3);
    expect(changed.flat().length).toBeGreaterThan(0);
    const dirty = await app.strapi.db.connection('ci_metrics_dirty').count({ n: '*' }).first();
    expect(Number(dirty?.n)).toBe(0);
  });

  it('moving an order changes both customers and announces both', async () => {
    const x = await docs(C).create({ data: { name: 'X' } });
    const y = await docs(C).create({ data: { name: 'Y' } });
    const o = await docs(O).create({
      data: { customer: x.documentId, amount: 100, kind: 'new', payment_status: 'paid', ordered_at: '2025-01-01T00:00:00.000Z' } as any,
    });
    await metrics().drain();
    const seen = new Set<number>();
    const listener = ({ customerIds }: { customerIds: number[] }) => customerIds.forEach((id) => seen.add(id));
    const off = events().on('customers.changed', listener);
    await docs(O).update({ documentId: o.documentId, data: { customer: y.documentId } as any });
    await metrics().drain();
    off();
    expect(seen.has(x.id) && seen.has(y.id)).toBe(true);
    const rows = await app.strapi.db.connection('ci_customer_metrics').whereIn('customer_id', [x.id, y.id]).select('customer_id', 'order_count');
    expect(Object.fromEntries(rows.map((r: any) => [Number(r.customer_id), Number(r.order_count)]))).toEqual({ [x.id]: 0, [y.id]: 1 });
  });

  it('tracks writes made with strapi.db.query outside any transaction', async () => {
    const w = await docs(C).create({ data: { name: 'W' } });
    await metrics().drain();
    const order = await app.strapi.db.query(O as any).create({
      data: { amount: 250, kind: 'renewal', payment_status: 'paid', ordered_at: new Date('2025-02-01T00:00:00Z'), customer: w.id },
    });
    await metrics().drain();
    const row = await app.strapi.db.connection('ci_customer_metrics').where('customer_id', w.id).first();
    expect([Number(row.order_count), Number(row.total_spent), Number(row.renewal_count)]).toEqual([1, 250, 1]);
    await app.strapi.db.query(O as any).delete({ where: { id: order.id } });
    await metrics().drain();
    const after = await app.strapi.db.connection('ci_customer_metrics').where('customer_id', w.id).first();
    expect(Number(after.order_count)).toBe(0);
  });

  it('marks left behind by a crash are drained (as at startup)', async () => {
    const knex = app.strapi.db.connection;
    const v = await docs(C).create({ data: { name: 'V' } });
    await docs(O).create({ data: { customer: v.documentId, amount: 900, kind: 'new', payment_status: 'paid', ordered_at: '2025-03-01T00:00:00.000Z' } as any });
    await metrics().drain();
    // A process that committed a write and its mark, then died before draining: stale row + mark.
    await knex('ci_customer_metrics').where('customer_id', v.id).update({ order_count: 0, total_spent: 0 });
    await knex('ci_metrics_dirty').insert({ customer_id: v.id });
    expect(await metrics().drain()).toEqual([v.id]);
    const row = await knex('ci_customer_metrics').where('customer_id', v.id).first();
    expect([Number(row.order_count), Number(row.total_spent)]).toEqual([1, 900]);
  });

  it('a reconcile past its mark limit rebuilds every row in one pass; below it, drains the marks only', async () => {
    const knex = app.strapi.db.connection;
    // The compiled queue the app runs, so its lock is the app's (see appWithLock).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createMetricsQueue } = require(`${ROOT}/plugins/client-insights/dist/server/src/modules/metrics/queue`) as {
      createMetricsQueue: typeof CreateMetricsQueue;
    };
    const u = await docs(C).create({ data: { name: 'U' } });
    await docs(O).create({ data: { customer: u.documentId, amount: 300, kind: 'new', payment_status: 'paid', ordered_at: '2025-04-01T00:00:00.000Z' } as any });
    const loaded = [await docs(C).create({ data: { name: 'L1' } }), await docs(C).create({ data: { name: 'L2' } })].map((c) => c.id).sort();
    await metrics().drain();
    // U's row is stale with no mark (only a rebuild sees it); L1 and L2 lost theirs around Strapi.
    const aroundStrapi = async () => {
      await knex('ci_customer_metrics').where('customer_id', u.id).update({ order_count: 0, total_spent: 0 });
      await knex('ci_customer_metrics').whereIn('customer_id', loaded).delete();
    };
    const facts = async () => {
      const rows = await knex('ci_customer_metrics')
        .whereIn('customer_id', [u.id, ...loaded])
        .select('customer_id', 'order_count');
      return Object.fromEntries(rows.map((r: any) => [Number(r.customer_id), Number(r.order_count)]));
    };
    const marks = async () => Number((await knex('ci_metrics_dirty').count({ n: '*' }).first())?.n);

    await aroundStrapi();
    const draining = createMetricsQueue(knex, {}, { rebuildAbove: 10 });
    const pass = draining.reconcile();
    expect(draining.reconcile()).toBe(pass);
    expect((await pass).sort()).toEqual(loaded);
    expect(await facts()).toEqual({ [u.id]: 0, [loaded[0]]: 0, [loaded[1]]: 0 });

    await aroundStrapi();
    const rebuilding = createMetricsQueue(knex, {}, { rebuildAbove: 1 });
    // The two marks exceed the limit: one rebuild, which answers them, so nothing is left to drain.
    expect(await rebuilding.reconcile()).toEqual([]);
    expect(await facts()).toEqual({ [u.id]: 1, [loaded[0]]: 0, [loaded[1]]: 0 });
    expect(await marks()).toBe(0);
  });

  it('a write rolled back leaves no mark and no change', async () => {
    const z = await docs(C).create({ data: { name: 'Z' } });
    await metrics().drain();
    await expect(
      app.strapi.db.transaction(async () => {
        await docs(O).create({
          data: { customer: z.documentId, amount: 100, kind: 'new', payment_status: 'paid', ordered_at: '2025-01-01T00:00:00.000Z' } as any,
        });
        throw new Error('abort');
      })
    ).rejects.toThrow('abort');
    await metrics().drain();
    const row = await app.strapi.db.connection('ci_customer_metrics').where('customer_id', z.id).first();
    expect(Number(row.order_count)).toBe(0);
    const dirty = await app.strapi.db.connection('ci_metrics_dirty').count({ n: '*' }).first();
    expect(Number(dirty?.n)).toBe(0);
  });
});
