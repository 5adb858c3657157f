import { startStrapi, type TestApp } from '../helpers/strapi';

describe('first start on an empty database', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ env: { DEMO_CUSTOMERS: '250', ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'Owner12345!' } });
  });
  afterAll(async () => app?.stop());

  it('loads the demo data set by itself, with metrics for every customer', async () => {
    const knex = app.strapi.db.connection;
    expect(Number((await knex('customers').count({ n: '*' }).first())?.n)).toBe(250);
    expect(Number((await knex('orders').count({ n: '*' }).first())?.n)).toBeGreaterThan(100);
    expect(Number((await knex('ci_customer_metrics').count({ n: '*' }).first())?.n)).toBe(250);
  });

  it('creates the first administrator from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'owner@example.com' }, populate: ['roles'] });
    expect(user.roles.map((r: any) => r.code)).toContain('strapi-super-admin');
  });
});
