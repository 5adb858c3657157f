import crypto from 'crypto';
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { copyActivity } from '../../plugins/client-insights/server/src/modules/metrics/activity';
import { seededRandom } from '../../plugins/client-insights/server/src/modules/values/math/random';
import { fitBgNbd, probabilityAlive } from '../../plugins/client-insights/server/src/modules/values/models/bgnbd';
import { DAYS_PER_MONTH } from '../../plugins/client-insights/server/src/modules/values/summary-sql';
import { startStrapi, type TestApp } from '../helpers/strapi';

/**
 * CLV and propensity on data in the database: customers simulated from BG/NBD (purchase times) and
 * Gamma-Gamma (amounts). The SQL summary feeds the same fit as the simulation's own (x, tx, T),
 * and the renewal / upsell models, trained before the cut-off and judged after it, beat the base rate.
 */
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00.000Z');
const TRUTH = { r: 0.9, alpha: 3, a: 0.6, b: 3 };

type Simulated = { purchases: number[]; amounts: number[] };

const simulate = (n: number): Simulated[] => {
  const rng = seededRandom(99);
  return Array.from({ length: n }, () => {
    const lambda = rng.gamma(TRUTH.r, TRUTH.alpha);
    const p = rng.beta(TRUTH.a, TRUTH.b);
    const nu = rng.gamma(4, 30);
    // First purchase 3..36 months ago, at whole seconds.
    const first = NOW.getTime() - Math.floor(((3 + 33 * rng.uniform()) * DAYS_PER_MONTH * DAY) / 1000) * 1000;
    const purchases = [first];
    let t = first;
    for (;;) {
      t += Math.floor((rng.exponential(lambda) * DAYS_PER_MONTH * DAY) / 1000) * 1000;
      if (t > NOW.getTime()) break;
      purchases.push(t);
      if (rng.uniform() < p) break;
    }
    return { purchases, amounts: purchases.map(() => Math.round(rng.gamma(6, nu) * 100) / 100) };
  });
};

const insertSimulated = async (knex: Knex, customers: Simulated[]) => {
  const date = (ms: number) => bindDate(knex, new Date(ms));
  const stamp = date(Date.now());
  const docs = customers.map(() => crypto.randomBytes(12).toString('hex'));
  await knex.batchInsert(
    'customers',
    docs.map((d, i) => ({ document_id: d, name: `S${i}`, created_at: stamp, updated_at: stamp, published_at: stamp })),
    200
  );
  const ids = new Map((await knex('customers').select('id', 'document_id')).map((r: any) => [r.document_id, Number(r.id)]));
  const orders: any[] = [];
  const links: Array<[string, number]> = [];
  customers.forEach((c, i) => {
    c.purchases.forEach((at, k) => {
      const doc = crypto.randomBytes(12).toString('hex');
      orders.push({
        document_id: doc,
        amount: c.amounts[k],
        gross_margin: Math.round(c.amounts[k] * 25) / 100,
        currency: 'CNY',
        kind: k === 0 ? 'new' : k % 2 ? 'renewal' : 'upsell',
        payment_status: 'paid',
        ordered_at: date(at),
        contract_end_at: date(at + 365 * DAY),
        created_at: stamp,
        updated_at: stamp,
        published_at: stamp,
      });
      links.push([doc, ids.get(docs[i])!]);
    });
  });
  await knex.batchInsert('orders', orders, 200);
  const orderIds = new Map((await knex('orders').select('id', 'document_id')).map((r: any) => [r.document_id, Number(r.id)]));
  await knex.batchInsert(
    'orders_customer_lnk',
    links.map(([doc, customer]) => ({ order_id: orderIds.get(doc), customer_id: customer, order_ord: 1 })),
    200
  );
  // Rows went in around Strapi (no lifecycles): copy the activity the value models read, as a drain would.
  await copyActivity(knex);
  return docs.map((d) => ids.get(d)!);
};

describe('CLV and propensity on database data', () => {
  let app: TestApp;
  let customers: Simulated[];
  let ids: number[];
  beforeAll(async () => {
    app = await startStrapi();
    customers = simulate(1500);
    ids = await insertSimulated(app.strapi.db.connection, customers);
  });
  afterAll(async () => app?.stop());

  it('fits BG/NBD on the SQL summary exactly as on the simulated (x, tx, T); P(alive) per customer agrees', async () => {
    const knex = app.strapi.db.connection;
    const { refreshValues } = await import('../../plugins/client-insights/server/src/modules/values/refresh');
    const { hostTables } = await import('../../plugins/client-insights/server/src/core/db/tables');
    const { defaultValueConfig } = await import('../../plugins/client-insights/server/src/modules/values/config');
    const config = defaultValueConfig();
    const result = await refreshValues({ knex, tables: hostTables(app.strapi), config, now: NOW, trigger: 'script' });
    expect(result.clv.method).toBe('bgnbd');

    const months = (ms: number) => ms / DAY / DAYS_PER_MONTH;
    const x = Float64Array.from(customers, (c) => c.purchases.length - 1);
    const tx = Float64Array.from(customers, (c) => months(c.purchases[c.purchases.length - 1] - c.purchases[0]));
    const T = Float64Array.from(customers, (c) => months(NOW.getTime() - c.purchases[0]));
    const local = fitBgNbd({ x, tx, T });
    const stored = await knex('ci_value_models').where({ run_id: result.runId, kind: 'bgnbd' }).first();
    const params = JSON.parse(stored.params);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(params[k] / local.params[k] - 1)).toBeLessThan(1e-3);
    expect(Number(stored.log_likelihood)).toBeCloseTo(local.logLikelihood, 2);
    // 1,500 customers: the fit lands near the simulation's truth (within 35 %).
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(params[k] / TRUTH[k] - 1)).toBeLessThan(0.35);

    const scores = await knex('ci_value_model_scores').where({ run_id: result.runId }).select('customer_id', 'p_alive', 'clv', 'churn_risk');
    const byId = new Map(scores.map((s: any) => [Number(s.customer_id), s]));
    ids.forEach((id, i) => {
      const s = byId.get(id) as any;
      expect(Number(s.p_alive)).toBeCloseTo(probabilityAlive(params, x[i], tx[i], T[i]), 4);
      // No risk signals in this data: churn = 1 − P(alive).
      expect(Number(s.churn_risk)).toBeCloseTo(1 - Number(s.p_alive), 6);
      expect(Number(s.clv)).toBeGreaterThanOrEqual(0);
    });

    // Renewal / upsell: trained before the cut-off, evaluated after it, better than the base rate.
    const models = await knex('ci_value_models').where({ run_id: result.runId }).whereIn('kind', ['renewal', 'upsell']);
    for (const m of models) {
      const metrics = JSON.parse(m.metrics);
      expect(m.method).toBe('logistic_l2');
      expect(metrics.holdoutAuc).toBeGreaterThan(0.6);
      expect(metrics.holdoutLogLoss).toBeLessThan(metrics.baseRateLogLoss);
    }
  });
  it('scores every customer the same when the run reads them in many small id pages', async () => {
    const knex = app.strapi.db.connection;
    const { refreshValues } = await import('../../plugins/client-insights/server/src/modules/values/refresh');
    const { hostTables } = await import('../../plugins/client-insights/server/src/core/db/tables');
    const { defaultValueConfig } = await import('../../plugins/client-insights/server/src/modules/values/config');
    const run = (pageIds?: number) =>
      refreshValues({ knex, tables: hostTables(app.strapi), config: defaultValueConfig(), now: NOW, trigger: 'script', pageIds });
    const columns = ['customer_id', 'p_alive', 'expected_transactions', 'clv', 'churn_risk', 'renewal_probability', 'upsell_probability'];
    const scoresOf = async (runId: number) =>
      (await knex('ci_value_model_scores').where({ run_id: runId }).orderBy('customer_id').select(columns)).map((r: any) =>
        columns.map((c) => (r[c] === null ? null : Number(r[c])))
      );
    const whole = await scoresOf((await run()).runId);
    // 97 ids a page: about 16 pages over 1,500 customers, page ends falling between buyers.
    const paged = await scoresOf((await run(97)).runId);
    expect(whole.length).toBe(ids.length);
    expect(whole.some((r) => r[5] !== null)).toBe(true);
    expect(paged).toEqual(whole);
  });
});
