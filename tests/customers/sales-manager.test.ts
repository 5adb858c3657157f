import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * A Sales Manager (the bootstrap role, without sensitive.view) finds and reads clients by name:
 * names are never masked; email and phone are, in every place the plugin shows a customer (list,
 * search, profile, CSV, preview sample, segment members). They see the segments shared with them:
 * a new segment is `global` unless its creator narrows it to their role (`team`) or themselves.
 */
describe('the Sales Manager role', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  let data: string;
  const ids: Record<string, number> = {};

  const login = async (code: string, email: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    await app.strapi.service('admin::user').create({ email, firstname: 'S', lastname: 'M', password: 'Sales12345!', isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Sales12345!' }),
    });
    return ((await res.json()) as any).data.token as string;
  };
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    sales = await login('client-insights-sales-manager', 'sales@test.local');
    data = await login('client-insights-data-team', 'data@test.local');
    const docs = app.strapi.documents('api::customer.customer');
    const zhu = await docs.create({
      data: { name: '朱小明', email: 'zhu@example.com', phone: '13800001234', stage: 'signed', region: 'Shanghai', notes: 'prefers calls' } as any,
    });
    const xie = await docs.create({
      data: { name: '谢芳', email: 'xie@example.com', phone: '13900005678', stage: 'signed', region: 'Beijing', referrer: zhu.documentId } as any,
    });
    ids.zhu = Number(zhu.id);
    ids.xie = Number(xie.id);
  });
  afterAll(async () => app?.stop());

  it('finds a client by name and reads the name, with email and phone masked', async () => {
    const found = await call(sales, 'GET', `/customers?q=${encodeURIComponent('朱小明')}`);
    expect(found.status).toBe(200);
    expect(found.body.data).toEqual([expect.objectContaining({ id: ids.zhu, name: '朱小明', email: 'z***@example.com', phone: '*******1234' })]);
    // Contact data stays unsearchable without the permission (no probing masked values).
    expect((await call(sales, 'GET', '/customers?q=zhu@example.com')).body.data).toEqual([]);
    // Found whole (encrypted at rest: no search by a part of it).
    expect((await call(data, 'GET', '/customers?q=zhu@example.com')).body.data.map((c: any) => c.id)).toEqual([ids.zhu]);

    const profile = (await call(sales, 'GET', `/customers/${ids.xie}`)).body.data;
    expect(profile.customer).toMatchObject({ name: '谢芳', email: 'x***@example.com', phone: '*******5678' });
    expect(profile.referrer).toMatchObject({ name: '朱小明' });
    expect((await call(sales, 'GET', `/customers/${ids.zhu}`)).body.data.customer.notes).toBeNull();
    expect((await call(data, 'GET', `/customers/${ids.zhu}`)).body.data.customer).toMatchObject({ email: 'zhu@example.com', notes: 'prefers calls' });

    const csv = (await call(sales, 'POST', '/customers/export', { q: '谢芳' })).text;
    expect(csv).toContain('谢芳');
    expect(csv).toContain('x***@example.com');
    expect(csv).not.toContain('xie@example.com');

    const preview = await call(sales, 'POST', '/rules/preview', { rule: { '==': [{ var: 'customer.region' }, 'Shanghai'] } });
    expect(preview.body.data.sample.map((c: any) => c.name)).toEqual(['朱小明']);
  });

  it('sees the segments shared with everyone (the default), not team or private ones of other roles, and the overview counts the same', async () => {
    const mk = async (name: string, visibility?: string) => {
      const res = await call(admin, 'POST', '/segments', {
        name,
        rule: { '==': [{ var: 'customer.stage' }, 'signed'] },
        execute: true,
        ...(visibility ? { visibility } : {}),
      });
      expect(res.status).toBe(201);
      return res.body.data;
    };
    const shared = await mk('Signed clients'); // no visibility named: global
    expect(shared.visibility).toBe('global');
    const global = await mk('Everyone signed', 'global');
    const team = await mk('Admins signed', 'team'); // the Super Admin's role only
    const mine = await mk('Admin only', 'private');
    const list = await call(sales, 'GET', '/segments?pageSize=100');
    expect(list.body.data.map((s: any) => s.key).sort()).toEqual([global.key, shared.key].sort());
    expect((await call(sales, 'GET', `/segments/${mine.id}`)).status).toBe(404);
    expect((await call(sales, 'GET', `/segments/${team.id}`)).status).toBe(404);
    const counts = await call(sales, 'GET', '/overview/counts');
    expect(counts.body.data.segment).toBe(2);
    expect((await call(admin, 'GET', '/overview/counts')).body.data.segment).toBe(4);

    const members = await call(sales, 'GET', `/segments/${shared.id}/customers`);
    expect(members.body.data.map((c: any) => c.name).sort()).toEqual(['朱小明', '谢芳'].sort());
  });
});
