import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The customer list's filters (stage, region, tag, owner, segment) and its whitelisted sorts, for
 * the administrator and for a Sales Manager (names readable, contact masked, only the segments
 * shared with them); and the tag center's bulk apply to that same filter, with the ids that name
 * no customer reported back.
 */
describe('customer list filters, sorting and bulk tags by filter', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  let adminId: number;
  const ids: Record<string, number> = {};
  const day = 86_400_000;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const names = async (token: string, query: string) => {
    const res = await call(token, 'GET', `/customers?pageSize=100&${query}`);
    expect(res.status).toBe(200);
    return res.body.data.map((c: any) => c.name);
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code: 'client-insights-sales-manager' } });
    await app.strapi
      .service('admin::user')
      .create({ email: 'sales@test.local', firstname: 'S', lastname: 'M', password: 'Sales12345!', isActive: true, roles: [role.id] });
    const login = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sales@test.local', password: 'Sales12345!' }),
    });
    sales = ((await login.json()) as any).data.token;
    adminId = Number((await app.strapi.db.query('admin::user').findOne({ where: { email: 'admin@test.local' } })).id);

    const now = Date.now();
    const docs = app.strapi.documents('api::customer.customer');
    const mk = async (name: string, data: Record<string, unknown>) => {
      const c = await docs.create({ data: { name, email: `${name.toLowerCase()}@example.com`, phone: '13800001234', ...data } as any });
      ids[name] = Number(c.id);
      return c;
    };
    const anna = await mk('Anna', { stage: 'signed', region: 'Shanghai' });
    const bo = await mk('Bo', { stage: 'signed', region: 'Beijing' });
    const cai = await mk('Cai', { stage: 'consultation', region: 'Shanghai' });
    await mk('Dong', { stage: 'in_service', region: 'Shanghai' });
    const order = (customer: string, amount: number, daysAgo: number) =>
      app.strapi.documents('api::order.order').create({
        data: { amount, kind: 'new', payment_status: 'paid', ordered_at: new Date(now - daysAgo * day).toISOString(), customer } as any,
      });
    await order(anna.documentId, 1200, 40);
    await order(bo.documentId, 90000, 200);
    await order(cai.documentId, 5000, 100);
    // Bo's last activity is recent thanks to an interaction, not an order.
    await app.strapi
      .documents('api::interaction.interaction')
      .create({ data: { type: 'meeting_attended', occurred_at: new Date(now - 2 * day).toISOString(), customer: bo.documentId } as any });
    const knex = app.strapi.db.connection;
    const isSqlite = app.strapi.db.dialect.client.includes('sqlite');
    const at = (ms: number) => (isSqlite ? ms : new Date(ms));
    // Customer since: Dong, Cai, Bo, Anna from oldest to newest.
    for (const [name, daysAgo] of [
      ['Dong', 400],
      ['Cai', 300],
      ['Bo', 200],
      ['Anna', 100],
    ] as const)
      await knex('customers')
        .where({ id: ids[name] })
        .update({ created_at: at(now - daysAgo * day) });
    const tag = await app.strapi.documents('api::tag.tag').create({ data: { name: 'VIP', slug: 'vip', category: 'value', visibility: 'global' } as any });
    ids.vip = Number(tag.id);
    await knex('ci_customer_tags').insert([
      { customer_id: ids.Anna, tag_id: ids.vip, source: 'manual', created_at: at(now) },
      { customer_id: ids.Cai, tag_id: ids.vip, source: 'manual', created_at: at(now) },
      // Expired: Dong does not carry it any more.
      { customer_id: ids.Dong, tag_id: ids.vip, source: 'manual', created_at: at(now - 10 * day), expires_at: at(now - day) },
    ]);
    await knex('customers_owner_lnk').insert([
      { customer_id: ids.Bo, user_id: adminId },
      { customer_id: ids.Dong, user_id: adminId },
    ]);
    void cai;
  });
  afterAll(async () => app?.stop());

  it('filters by stage, region, tag, owner and segment, combined', async () => {
    expect(await names(admin, 'stage=signed&sort=name:asc')).toEqual(['Anna', 'Bo']);
    expect(await names(admin, 'region=Shanghai&sort=name:asc')).toEqual(['Anna', 'Cai', 'Dong']);
    expect(await names(admin, 'tag=vip&sort=name:asc')).toEqual(['Anna', 'Cai']);
    expect(await names(admin, `tag=${ids.vip}&region=Shanghai&stage=signed`)).toEqual(['Anna']);
    expect(await names(admin, `owner=${adminId}&sort=name:asc`)).toEqual(['Bo', 'Dong']);

    const segment = await call(admin, 'POST', '/segments', {
      name: 'Shanghai clients',
      key: 'shanghai',
      rule: { '==': [{ var: 'customer.region' }, 'Shanghai'] },
      execute: true,
    });
    expect(segment.status).toBe(201);
    expect(await names(admin, 'segment=shanghai&sort=name:asc')).toEqual(['Anna', 'Cai', 'Dong']);
    expect(await names(admin, `segment=${segment.body.data.id}&tag=vip&sort=name:desc`)).toEqual(['Cai', 'Anna']);
    // The export covers the same customers (the Sales Manager's: the super admin's carries contact data, which needs approval).
    const csv = await fetch(`${app.url}/client-insights/customers/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sales}`, 'content-type': 'application/json' },
      body: JSON.stringify({ segment: 'shanghai', tag: 'vip' }),
    });
    const text = await csv.text();
    expect(text).toContain('Anna');
    expect(text).toContain('Cai');
    expect(text).not.toContain('Dong');

    const noTag = await call(admin, 'GET', '/customers?tag=nope');
    expect(noTag.status).toBe(400);
    expect(noTag.body.error.details.errors[0]).toMatchObject({ path: '/tag', message: expect.stringContaining('nope') });
    const noSegment = await call(admin, 'GET', '/customers?segment=nope');
    expect(noSegment.status).toBe(400);
    expect(noSegment.body.error.details.errors[0].path).toBe('/segment');
    expect((await call(admin, 'GET', '/customers?owner=abc')).body.error.details.errors[0].path).toBe('/owner');
  });

  it('sorts by name, total spent, customer since and last activity, and refuses other sorts naming the parameter', async () => {
    expect(await names(admin, 'sort=name:asc')).toEqual(['Anna', 'Bo', 'Cai', 'Dong']);
    expect(await names(admin, 'sort=name:desc')).toEqual(['Dong', 'Cai', 'Bo', 'Anna']);
    // Dong has no orders: last either way.
    expect(await names(admin, 'sort=totalSpent:desc')).toEqual(['Bo', 'Cai', 'Anna', 'Dong']);
    expect(await names(admin, 'sort=totalSpent:asc')).toEqual(['Dong', 'Anna', 'Cai', 'Bo']);
    expect(await names(admin, 'sort=customerSince:asc')).toEqual(['Dong', 'Cai', 'Bo', 'Anna']);
    // Bo: interaction 2 days ago; Anna: order 40 days ago; Cai: order 100 days ago; Dong: nothing (last).
    expect(await names(admin, 'sort=lastActivity:desc')).toEqual(['Bo', 'Anna', 'Cai', 'Dong']);
    expect(await names(admin, 'sort=lastActivity:asc')).toEqual(['Cai', 'Anna', 'Bo', 'Dong']);
    const row = (await call(admin, 'GET', '/customers?sort=lastActivity:desc&pageSize=1')).body.data[0];
    expect(Date.now() - Date.parse(row.lastActivityAt)).toBeGreaterThan(day);
    expect(Date.now() - Date.parse(row.lastActivityAt)).toBeLessThan(3 * day);

    for (const bad of ['email:asc', 'name', 'name:up', 'id:desc']) {
      const res = await call(admin, 'GET', `/customers?sort=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors).toEqual([expect.objectContaining({ path: '/sort', message: expect.stringContaining('sort must be one of') })]);
    }
  });

  it('gives a Sales Manager the same filters and sorts, names readable, contact masked, and only the segments shared with them', async () => {
    const rows = (await call(sales, 'GET', '/customers?tag=vip&region=Shanghai&sort=totalSpent:desc')).body.data;
    expect(rows.map((c: any) => [c.name, c.email])).toEqual([
      ['Cai', 'c***@example.com'],
      ['Anna', 'a***@example.com'],
    ]);
    expect(await names(sales, `owner=${adminId}&sort=name:asc`)).toEqual(['Bo', 'Dong']);
    expect(await names(sales, 'segment=shanghai&stage=in_service')).toEqual(['Dong']);
    const mine = await call(admin, 'POST', '/segments', {
      name: 'Admin only',
      key: 'admin-only',
      visibility: 'private',
      rule: { '==': [{ var: 'customer.stage' }, 'signed'] },
      execute: true,
    });
    expect(mine.status).toBe(201);
    expect(await names(admin, 'segment=admin-only&sort=name:asc')).toEqual(['Anna', 'Bo']);
    const hidden = await call(sales, 'GET', '/customers?segment=admin-only');
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.details.errors[0].path).toBe('/segment');
  });

  it('bulk-applies a tag to the customer list’s filter, and reports ids that name no customer', async () => {
    const tag = (await call(admin, 'POST', '/tags', { name: 'Shanghai signed', category: 'basic' })).body.data;
    const applied = await call(admin, 'POST', `/tags/${tag.id}/bulk`, { action: 'apply', filter: { region: 'Shanghai', tag: 'vip' } });
    expect(applied.status).toBe(200);
    expect(applied.body.data).toEqual({ affected: 2, missing: [] });
    expect(await names(admin, `tag=${tag.slug}&sort=name:asc`)).toEqual(['Anna', 'Cai']);
    // Removing by a filter that reads the same tag table.
    const removed = await call(admin, 'POST', `/tags/${tag.id}/bulk`, { action: 'remove', filter: { tag: tag.slug, stage: 'signed' } });
    expect(removed.body.data).toEqual({ affected: 1, missing: [] });
    expect(await names(admin, `tag=${tag.slug}`)).toEqual(['Cai']);

    const byIds = await call(admin, 'POST', `/tags/${tag.id}/bulk`, { action: 'apply', customerIds: [ids.Bo, 999_999, ids.Dong, 888_888] });
    expect(byIds.status).toBe(200);
    expect(byIds.body.data).toEqual({ affected: 2, missing: [888_888, 999_999] });

    const badFilter = await call(admin, 'POST', `/tags/${tag.id}/bulk`, { action: 'apply', filter: { stage: 'nope' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details.errors[0].path).toBe('/filter/stage');
    const two = await call(admin, 'POST', `/tags/${tag.id}/bulk`, { action: 'apply', filter: {}, customerIds: [ids.Bo] });
    expect(two.status).toBe(400);
    // A Sales Manager's filter cannot name a segment hidden from them.
    const hidden = await call(sales, 'POST', `/tags/${tag.id}/bulk`, { action: 'apply', filter: { segment: 'admin-only' } });
    expect([400, 403]).toContain(hidden.status);
  });
});
