import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

describe('overview counts endpoint', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
  });
  afterAll(async () => app?.stop());

  it('returns the real row counts', async () => {
    const customers = app.strapi.documents('api::customer.customer');
    const a = await customers.create({ data: { name: 'Li Wei', stage: 'signed' } });
    await customers.create({ data: { name: 'Wang Fang', stage: 'consultation' } });
    await app.strapi.documents('api::order.order').create({
      data: { amount: 5000, kind: 'new', payment_status: 'paid', ordered_at: new Date().toISOString(), customer: a.documentId },
    });
    const token = await adminSession(app);
    const res = await fetch(`${app.url}/client-insights/overview/counts`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data).toEqual({ customer: 2, segment: 0, tag: 0, order: 1, interaction: 0 });
  });

  it('refuses an anonymous caller', async () => {
    const res = await fetch(`${app.url}/client-insights/overview/counts`);
    expect(res.status).toBe(401);
  });
});
