import { countQuery } from '../../plugins/client-insights/server/src/modules/rules/compile';
import { startStrapi, type TestApp } from '../helpers/strapi';

describe('first start on an empty database', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ emptyDatabase: true, env: { DEMO_CUSTOMERS: '250', ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'Owner12345!' } });
  });
  afterAll(async () => app?.stop());

  it('loads the demo data set by itself, with metrics for every customer', async () => {
    const knex = app.strapi.db.connection;
    expect(Number((await knex('customers').count({ n: '*' }).first())?.n)).toBe(250);
    expect(Number((await knex('orders').count({ n: '*' }).first())?.n)).toBeGreaterThan(100);
    expect(Number((await knex('ci_customer_metrics').count({ n: '*' }).first())?.n)).toBe(250);
  });

  it('scores the demo customers once, so value models and score.* conditions work from the first minute', async () => {
    const knex = app.strapi.db.connection;
    const runs = await knex('ci_value_runs').select('status');
    expect(runs).toEqual([{ status: 'success' }]);
    const scored = Number((await knex('ci_customer_scores').whereNotNull('quadrant').count({ n: '*' }).first())?.n);
    expect(scored).toBeGreaterThan(50);
    const matrix = await app.strapi.plugin('client-insights').service('values').matrix();
    expect(matrix.matrix.reduce((sum: number, cell: { customers: number }) => sum + cell.customers, 0)).toBeGreaterThan(0);
    const rule = { in: [{ var: 'score.quadrant' }, ['high_value', 'potential', 'dormant', 'churn_risk']] };
    const [{ count }] = await countQuery(knex, rule, { now: new Date() });
    expect(Number(count)).toBe(scored);
  });

  it('creates the first administrator from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'owner@example.com' }, populate: ['roles'] });
    expect(user.roles.map((r: any) => r.code)).toContain('strapi-super-admin');
  });
});
