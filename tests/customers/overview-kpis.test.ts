import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

const DAY = 24 * 3600 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe('overview KPIs endpoint', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await adminSession(app);
    const { strapi } = app;
    const customers = strapi.documents('api::customer.customer');
    const a = await customers.create({ data: { name: 'A 活跃', stage: 'signed' } });
    const b = await customers.create({ data: { name: 'B', stage: 'in_service' } });
    const c = await customers.create({ data: { name: 'C', stage: 'signed' } });
    // C was created 40 days ago; A and B now.
    const knex = strapi.db.connection;
    const isSqlite = strapi.db.dialect.client.includes('sqlite');
    await knex('customers')
      .where({ id: c.id })
      .update({ created_at: isSqlite ? ago(40).getTime() : ago(40) });
    const interaction = (customer: string, days: number) =>
      strapi.documents('api::interaction.interaction').create({
        data: { type: 'website_visit', occurred_at: ago(days).toISOString(), customer } as any,
      });
    await interaction(a.documentId, 5);
    await interaction(a.documentId, 35);
    await interaction(b.documentId, 35);
    const order = (customer: string, days: number) =>
      strapi.documents('api::order.order').create({
        data: { amount: 1000, kind: 'new', payment_status: 'paid', ordered_at: ago(days).toISOString(), customer } as any,
      });
    await order(b.documentId, 100);
    await order(c.documentId, 200);
    await order(a.documentId, 0);
  });
  afterAll(async () => app?.stop());

  const get = async () => {
    const res = await fetch(`${app.url}/client-insights/overview/kpis`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    return Object.fromEntries(body.data.kpis.map((k: any) => [k.key, k]));
  };

  it('computes each KPI and its previous period from the data', async () => {
    const k = await get();
    expect([k.total.value, k.total.previous]).toEqual([3, 1]);
    expect([k.active.value, k.active.previous]).toEqual([1, 2]);
    expect(k.retention.value).toBeCloseTo(0.5);
    // C: paid 200 days ago, never heard from; B talked to us 35 days ago.
    expect([k.churn_risk.value, k.churn_risk.previous]).toEqual([1, 1]);
    expect(k.new.value).toBe(2);
    expect(k.deals.value).toBe(1);
    for (const kpi of Object.values<any>(k)) expect(kpi.series).toHaveLength(6);
    expect(k.total.series.map((p: any) => p.value)).toEqual([0, 0, 0, 0, 1, 3]);
  });

  it('counts the customers its drill-down lists, by the same definition (rows dated after now included)', async () => {
    const { strapi } = app;
    // X bought 120 days ago and has a meeting booked next week: in contact, not quiet.
    // Y's paid order is dated next week (a contract booked ahead) and we never talked to Y.
    const x = await strapi.documents('api::customer.customer').create({ data: { name: 'X', stage: 'signed' } });
    const y = await strapi.documents('api::customer.customer').create({ data: { name: 'Y', stage: 'signed' } });
    await strapi
      .documents('api::order.order')
      .create({ data: { amount: 500, kind: 'new', payment_status: 'paid', ordered_at: ago(120).toISOString(), customer: x.documentId } as any });
    await strapi
      .documents('api::interaction.interaction')
      .create({ data: { type: 'meeting_scheduled', occurred_at: ago(-7).toISOString(), customer: x.documentId } as any });
    await strapi
      .documents('api::order.order')
      .create({ data: { amount: 800, kind: 'new', payment_status: 'paid', ordered_at: ago(-7).toISOString(), customer: y.documentId } as any });
    await strapi.plugin('client-insights').service('metrics').drain();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    };
    const k = await get();
    for (const key of ['active', 'churn_risk', 'new']) {
      const preview = (await call('POST', '/client-insights/rules/preview', { rule: k[key].rule })).data;
      expect([key, preview.count]).toEqual([key, k[key].value]);
    }
    // C (paid 200 days ago, silent) and Y (paid, silent); not X, whose meeting is next week.
    expect(k.churn_risk.value).toBe(2);
    // Retention drills to its own customers: the base (active 30–60 days ago: A, B) split into retained (A) and lapsed (B).
    expect(k.retention.rule).toBeNull();
    const listed = async (retained: boolean) =>
      (await call('GET', `/client-insights/customers?${new URLSearchParams({ ...k.retention.filter, retained: String(retained) })}`)).meta.pagination
        .total as number;
    const [kept, lapsed] = [await listed(true), await listed(false)];
    expect(k.retention.filter).toEqual({ retained: 'true' });
    expect([kept, lapsed]).toEqual([1, 1]);
    expect(k.retention.value).toBeCloseTo(kept / (kept + lapsed));
  });

  it('refuses an anonymous caller', async () => {
    const res = await fetch(`${app.url}/client-insights/overview/kpis`);
    expect(res.status).toBe(401);
  });
});
