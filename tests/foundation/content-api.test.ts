import { apiToken, startStrapi, type TestApp } from '../helpers/strapi';

describe('content REST API for customers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    await app.strapi.documents('api::customer.customer').create({ data: { name: '陈思远', stage: 'signed', region: '上海' } });
  });
  afterAll(async () => app?.stop());

  it('answers with an API token', async () => {
    const token = await apiToken(app, 'read-only');
    const res = await fetch(`${app.url}/api/customers?filters[region][$eq]=上海`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data.map((c: any) => c.name)).toEqual(['陈思远']);
    expect(body.meta.pagination.total).toBe(1);
  });

  it('creates with a full-access token and refuses writes with a read-only one', async () => {
    const full = await apiToken(app, 'full-access');
    const created = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${full}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { name: 'API Client', stage: 'consultation' } }),
    });
    expect(created.status).toBe(201);
    const readOnly = await apiToken(app, 'read-only');
    const refused = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { name: 'Nope', stage: 'consultation' } }),
    });
    expect(refused.status).toBe(403);
  });

  it('refuses without a token or with a wrong one', async () => {
    expect((await fetch(`${app.url}/api/customers`)).status).toBe(403);
    expect((await fetch(`${app.url}/api/customers`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });
});
