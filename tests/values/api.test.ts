import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { markDirty } from '../../plugins/client-insights/server/src/modules/metrics/queue';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { insertPeople, makePeople } from './dataset';

/** The value-model endpoints end to end: settings, tracked calculation, matrix, customer score, migration, models. */
describe('value model API', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  let ids: Map<string, number>;
  const people = makePeople(7, 90, new Date());

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    const knex = app.strapi.db.connection;
    ids = await insertPeople(knex, people, (ms) => bindDate(knex, new Date(ms)));
    admin = await adminSession(app);
    token = await apiToken(app);
  });
  afterAll(async () => app?.stop());

  const call = async (path: string, init: RequestInit & { as?: 'admin' | 'api' | 'none' } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.as !== 'none') headers.authorization = `Bearer ${init.as === 'api' ? token : admin}`;
    const res = await fetch(`${app.url}${path}`, { ...init, headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  const calculate = async () => {
    const started = await call('/api/segments/rfm/calculate', { method: 'POST', body: '{}', as: 'api' });
    expect(started.status).toBe(202);
    const id = started.body.data.id;
    for (let i = 0; i < 600; i += 1) {
      const status = await call(`/api/segments/rfm/calculate/${id}`, { as: 'api' });
      expect(status.status).toBe(200);
      if (status.body.data.status === 'success') return status.body.data;
      if (status.body.data.status === 'failed') throw new Error(status.body.data.error);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('calculation did not finish');
  };

  it('validates settings: 400 naming the field, nothing stored; a valid update is stored', async () => {
    const before = await call('/client-insights/values/settings');
    expect(before.status).toBe(200);
    const bad = await call('/client-insights/values/settings', {
      method: 'PUT',
      body: JSON.stringify({
        rfm: { periodDays: -3, scoring: { method: 'thresholds', r: [1, 2], f: [1, 2, 3, 4], m: [1, 2, 3, 4] } },
        schedule: { cron: 'nope' },
      }),
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/rfm/periodDays', '/rfm/scoring/r', '/schedule/cron']));
    expect((await call('/client-insights/values/settings')).body).toEqual(before.body);
    const good = await call('/client-insights/values/settings', {
      method: 'PUT',
      body: JSON.stringify({ clv: { minRepeatCustomers: 10 }, propensity: { minClassSize: 1 } }),
    });
    expect(good.status).toBe(200);
    expect(good.body.data.clv.minRepeatCustomers).toBe(10);
    // CLV is a margin over a horizon that fits multi-year services (README), and is labelled so.
    expect(good.body.data.clv.horizonMonths).toBe(36);
    const catalogue = await call('/client-insights/catalogue');
    const clvField = catalogue.body.data.fields.find((f: { path: string }) => f.path === 'score.clv');
    expect(clvField.labels.en).toMatch(/margin.*36 months/);
    expect(clvField.labels['zh-Hans']).toMatch(/毛利.*36 个月/);
    expect(clvField.labels.zh).toMatch(/毛利.*36 個月/);
    expect((await call('/client-insights/values/settings')).body.data.clv.minRepeatCustomers).toBe(10);
  });

  it('runs a tracked calculation and serves the matrix, quadrants and a customer score', async () => {
    const job = await calculate();
    expect(job.progress).toBe(1);
    expect(job.result.stats.customers).toBe(people.length);
    const buyers = people.filter((p) => p.orders.some((o) => o.status === 'paid' && o.at <= Date.now())).length;

    const matrix = await call('/api/segments/rfm', { as: 'api' });
    expect(matrix.status).toBe(200);
    const cells = matrix.body.data.matrix as Array<{ r: number; f: number; customers: number; avgMonetary: number }>;
    expect(cells.reduce((s, c) => s + c.customers, 0)).toBe(buyers);
    for (const c of cells) expect(c.r >= 1 && c.r <= 5 && c.f >= 1 && c.f <= 5).toBe(true);
    const quadrants = matrix.body.data.quadrants as Record<string, number>;
    expect(Object.keys(quadrants).sort()).toEqual(['churn_risk', 'dormant', 'high_value', 'potential']);
    expect(Object.values(quadrants).reduce((s, n) => s + n, 0)).toBe(people.length);

    const buyer = people.find((p) => p.orders.filter((o) => o.status === 'paid').length >= 2)!;
    const id = ids.get(buyer.name)!;
    const score = await call(`/api/crm/customers/${id}/value-score`, { as: 'api' });
    expect(score.status).toBe(200);
    const s = score.body.data;
    expect(s.modelVersion).toBe(job.result.modelVersion);
    for (const k of ['r', 'f', 'm']) expect(s[k]).toBeGreaterThanOrEqual(1);
    expect(['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost']).toContain(s.rfmSegment);
    expect(s.clv).toBeGreaterThanOrEqual(0);
    expect(s.clvBasis).toEqual({ horizonMonths: 36, monthlyDiscountRate: 0.01, marginRate: expect.any(Number), method: expect.any(String) });
    expect(s.churnRisk).toBeGreaterThanOrEqual(0);
    expect(s.churnRisk).toBeLessThanOrEqual(1);
    for (const lang of ['en', 'zh-Hans', 'zh']) {
      expect(typeof s.suggestions.segment[lang]).toBe('string');
      expect(typeof s.suggestions.quadrant[lang]).toBe('string');
    }
    const row = await app.strapi.db.connection('customers').where({ id }).first('document_id');
    expect((await call(`/api/crm/customers/${row.document_id}/value-score`, { as: 'api' })).body.data.r).toBe(s.r);
    expect((await call(`/client-insights/values/customers/${id}`)).body.data.quadrant).toBe(s.quadrant);
    expect((await call('/api/crm/customers/99999999/value-score', { as: 'api' })).status).toBe(404);
    expect((await call('/api/crm/customers/bad-id!/value-score', { as: 'api' })).status).toBe(400);
  });

  it('keeps history: the quadrant migration matrix covers everyone; models are stored with the version', async () => {
    const knex = app.strapi.db.connection;
    const first = await calculate();
    // Between the runs one dormant customer gets a risk signal (an overdue order): dormant → churn_risk.
    const dormant = await knex('ci_customer_scores').where({ quadrant: 'dormant' }).first('customer_id');
    expect(dormant).toBeDefined();
    const stamp = bindDate(knex, new Date());
    await knex('orders').insert({
      document_id: 'overdue-test-order-0001',
      amount: 100,
      kind: 'upsell',
      payment_status: 'overdue',
      currency: 'CNY',
      ordered_at: bindDate(knex, new Date(Date.now() - 5 * 86_400_000)),
      created_at: stamp,
      updated_at: stamp,
      published_at: stamp,
    });
    const order = await knex('orders').where({ document_id: 'overdue-test-order-0001' }).first('id');
    await knex('orders_customer_lnk').insert({ order_id: order.id, customer_id: dormant.customer_id, order_ord: 1 });
    // Written around Strapi: mark the customer as the lifecycles would; the calculation drains the mark
    // first, so the models' activity copies include the new order.
    await markDirty(knex, [dormant.customer_id]);
    const second = await calculate();
    expect(second.result.runId).toBeGreaterThan(first.result.runId);
    const migration = await call(`/client-insights/values/migration?from=${first.result.runId}&to=${second.result.runId}`);
    expect(migration.status).toBe(200);
    const cells = migration.body.data.cells as Array<{ from: string; to: string; customers: number }>;
    expect(cells.reduce((s, c) => s + c.customers, 0)).toBe(people.length);
    const moved = cells.filter((c) => c.from !== c.to);
    expect(moved).toEqual([{ from: 'dormant', to: 'churn_risk', customers: 1 }]);
    expect((await call('/client-insights/values/migration?from=abc')).status).toBe(400);

    const models = await call('/client-insights/values/models');
    const kinds = models.body.data.models.map((m: { kind: string }) => m.kind);
    expect(kinds).toEqual(expect.arrayContaining(['rfm', 'clv', 'renewal', 'upsell']));
    for (const m of models.body.data.models) expect(m.version).toBe(second.result.modelVersion);
    // Enough repeat buyers (minRepeatCustomers = 10): BG/NBD and Gamma-Gamma are fitted, not the fallback.
    const clv = models.body.data.models.find((m: { kind: string }) => m.kind === 'clv');
    expect(clv.method).toBe('bgnbd');
    // The answer says what the CLV figures are: margin (observed rate) over the horizon.
    expect(models.body.data.clv).toEqual({ horizonMonths: 36, monthlyDiscountRate: 0.01, marginRate: clv.params.marginRate, method: 'bgnbd' });
    expect(models.body.data.clv.marginRate).toBeGreaterThan(0);
    expect(models.body.data.clv.marginRate).toBeLessThan(1);
    const bgnbd = models.body.data.models.find((m: { kind: string }) => m.kind === 'bgnbd');
    for (const k of ['r', 'alpha', 'a', 'b']) expect(bgnbd.params[k]).toBeGreaterThan(0);
    expect(bgnbd.logLikelihood).toBeLessThan(0);
    expect(models.body.data.models.find((m: { kind: string }) => m.kind === 'renewal').metrics.holdoutRows).toBeGreaterThan(0);
    const history = await knex('ci_value_score_history').where({ run_id: second.result.runId }).count({ n: '*' }).first();
    expect(Number(history!.n)).toBe(people.length);
  });

  it('schedules the recalculation from the settings, and unschedules it', async () => {
    const scheduler = app.strapi.plugin('client-insights').service('scheduler') as { names(): string[] };
    const on = await call('/client-insights/values/settings', {
      method: 'PUT',
      body: JSON.stringify({ schedule: { enabled: true, cron: '15 4 * * *', timezone: 'Asia/Shanghai' } }),
    });
    expect(on.status).toBe(200);
    expect(scheduler.names()).toContain('values.refresh');
    await call('/client-insights/values/settings', { method: 'PUT', body: JSON.stringify({ schedule: { enabled: false } }) });
    expect(scheduler.names()).not.toContain('values.refresh');
  });

  it('recovers from a crash: a stale job does not block, a half-written run is discarded', async () => {
    const knex = app.strapi.db.connection;
    const long = bindDate(knex, new Date(Date.now() - 3_600_000));
    const [job] = await knex('ci_jobs').insert({ kind: 'values.refresh', status: 'running', progress: 0.3, created_at: long, heartbeat_at: long }, ['id']);
    const staleJobId = Number(typeof job === 'object' ? job.id : job);
    const [run] = await knex('ci_value_runs').insert({ status: 'running', trigger: 'api', config: '{}', started_at: long }, ['id']);
    const staleRunId = Number(typeof run === 'object' ? run.id : run);
    const someone = [...ids.values()][0];
    await knex('ci_value_score_history').insert({
      run_id: staleRunId,
      customer_id: someone,
      has_orders: 1,
      recency_days: 1,
      frequency: 1,
      monetary: 1,
      monetary_capped: 1,
      r: 5,
      f: 5,
      m: 5,
      rfm: 5,
      rfm_segment: 'champions',
      quadrant: 'high_value',
      risk_tag: 0,
      overdue_amount: 0,
      complaints: 0,
      margin_missing: 0,
    });
    const done = await calculate();
    expect(done.id).not.toBe(staleJobId);
    expect((await call(`/client-insights/values/calculate/${staleJobId}`)).body.data.status).toBe('failed');
    expect((await knex('ci_value_runs').where({ id: staleRunId }).first()).status).toBe('failed');
    expect(Number((await knex('ci_value_score_history').where({ run_id: staleRunId }).count({ n: '*' }).first())!.n)).toBe(0);
  });

  it('refuses callers without credentials', async () => {
    expect((await call('/api/segments/rfm', { as: 'none' })).status).toBe(403);
    expect((await call('/client-insights/values/settings', { as: 'none' })).status).toBe(401);
  });
});
