import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * A data-protection request for one customer: the export holds everything about them; the erasure
 * leaves no row about them in any table (orders stay, unlinked), keeps the fact in the audit log
 * without the data, and touches no other customer.
 */
describe('personal data of one customer', () => {
  let app: TestApp;
  let admin: string;
  let ids: { target: number; other: number };

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Every plugin table with a customer_id, and how many rows it holds for `id`. */
  const rowsAbout = async (id: number) => {
    const knex = app.strapi.db.connection;
    const counts: Record<string, number> = {};
    for (const table of [
      'ci_customer_tags',
      'ci_customer_metrics',
      'ci_customer_events',
      'ci_customer_orders',
      'ci_customer_scores',
      'ci_segment_members',
      'ci_value_score_history',
    ]) {
      counts[table] = Number((await knex(table).where({ customer_id: id }).count({ n: '*' }).first())!.n);
    }
    return counts;
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const docs = (uid: string) => app.strapi.documents(uid as any);
    const make = async (name: string, email: string) => {
      const c = await docs('api::customer.customer').create({ data: { name, email, phone: '+86 138 0000 0000', stage: 'signed' } as any });
      await docs('api::order.order').create({ data: { amount: 1000, payment_status: 'paid', ordered_at: new Date(), customer: c.documentId } as any });
      await docs('api::interaction.interaction').create({ data: { type: 'email_open', occurred_at: new Date(), customer: c.documentId } as any });
      await docs('api::task.task').create({ data: { title: `Call ${name}`, task_status: 'open', customer: c.documentId } as any });
      return Number(c.id);
    };
    ids = { target: await make('王小明', 'wang@example.com'), other: await make('李华', 'li@example.com') };
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const tag = await call(admin, 'POST', '/tags', { name: 'Erasable', category: 'basic' });
    await call(admin, 'POST', `/tags/${tag.body.data.id}/bulk`, { action: 'apply', customerIds: [ids.target, ids.other] });
    const seg = await call(admin, 'POST', '/segments', { data: { name: 'Signed', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } } });
    await call(admin, 'POST', `/segments/${seg.body.data.id}/execute`, { data: { wait: true } });
    await app.strapi.plugin('client-insights').service('values').runNow();
    expect((await call(admin, 'GET', `/customers/${ids.target}`)).status).toBe(200); // an audited read about them
  }, 180_000);
  afterAll(async () => app?.stop());

  it('exports everything held about them, to a holder of sensitive.view and export only', async () => {
    const res = await call(admin, 'GET', `/customers/${ids.target}/personal-data`);
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data.customer).toMatchObject({ name: '王小明', email: 'wang@example.com', phone: '+86 138 0000 0000' });
    expect(data.orders).toHaveLength(1);
    expect(data.interactions).toHaveLength(1);
    expect(data.tasks).toHaveLength(1);
    expect(data.derived.ci_customer_metrics).toHaveLength(1);
    expect(data.derived.ci_customer_tags).toHaveLength(1);
    expect(data.derived.ci_segment_members.length).toBeGreaterThan(0);
    const noSensitive = await restrictedSession(app, ['segments.read', 'export']);
    expect((await call(noSensitive, 'GET', `/customers/${ids.target}/personal-data`)).status).toBe(403);
  });

  it('erases them everywhere, keeps their order unlinked and the fact in the audit log, and leaves others alone', async () => {
    const knex = app.strapi.db.connection;
    expect(Object.values(await rowsAbout(ids.target)).every((n) => n > 0)).toBe(true);
    const otherBefore = await rowsAbout(ids.other);
    const orders = Number((await knex('orders').count({ n: '*' }).first())!.n);

    const onlyRead = await restrictedSession(app, ['segments.read', 'sensitive.view', 'export']);
    expect((await call(onlyRead, 'DELETE', `/customers/${ids.target}/personal-data`)).status).toBe(403);

    const res = await call(admin, 'DELETE', `/customers/${ids.target}/personal-data`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ customerId: ids.target, ordersUnlinked: 1 });

    expect(Object.values(await rowsAbout(ids.target)).every((n) => n === 0)).toBe(true);
    expect(await knex('customers').where({ id: ids.target }).first()).toBeUndefined();
    expect(await knex('orders_customer_lnk').where({ customer_id: ids.target }).first()).toBeUndefined();
    expect(await knex('interactions_customer_lnk').where({ customer_id: ids.target }).first()).toBeUndefined();
    expect(await knex('tasks').where('title', 'like', '%王小明%').first()).toBeUndefined();
    expect(Number((await knex('orders').count({ n: '*' }).first())!.n)).toBe(orders);
    // No trace of their contact data anywhere in the audit log; the fact of the erasure is there.
    const audit = await knex('ci_audit_log').select('details', 'action', 'target_id');
    expect(JSON.stringify(audit)).not.toMatch(/wang@example\.com|王小明|138 0000/);
    expect(audit.some((e: any) => e.action === 'erase personal data' && e.target_id === String(ids.target))).toBe(true);

    expect(await rowsAbout(ids.other)).toEqual(otherBefore);
    expect((await call(admin, 'GET', `/customers/${ids.other}`)).status).toBe(200);
    expect((await call(admin, 'DELETE', `/customers/${ids.target}/personal-data`)).status).toBe(404);
  });
});
