import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

describe('customer list and profile endpoints', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;
  const ids: Record<string, number> = {};
  const get = async (token: string, path: string) => {
    const res = await fetch(`${app.url}/client-insights${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    viewer = await restrictedSession(app, ['segments.read']);
    const docs = app.strapi.documents('api::customer.customer');
    const mk = async (name: string, data: Record<string, unknown> = {}) => {
      const c = await docs.create({
        data: { name, email: `${name.toLowerCase()}@example.com`, phone: '13800001234', stage: 'signed', region: 'Shanghai', ...data } as any,
      });
      ids[name] = Number(c.id);
      return c;
    };
    const li = await mk('Li');
    const wang = await mk('Wang', { referrer: li.documentId, region: 'Beijing' });
    await mk('Zhang', { referrer: li.documentId, family_members: [wang.documentId], stage: 'consultation' });
    const now = Date.now();
    await app.strapi.documents('api::order.order').create({
      data: { amount: 30000, kind: 'new', payment_status: 'paid', ordered_at: new Date(now - 5 * 86400000).toISOString(), customer: li.documentId } as any,
    });
    await app.strapi
      .documents('api::interaction.interaction')
      .create({ data: { type: 'meeting_attended', occurred_at: new Date(now - 86400000).toISOString(), customer: li.documentId } as any });
    await app.strapi
      .documents('api::interaction.interaction')
      .create({ data: { type: 'email_open', occurred_at: new Date(now - 10 * 86400000).toISOString(), customer: li.documentId } as any });
    const tag = await app.strapi.documents('api::tag.tag').create({ data: { name: 'VIP', slug: 'vip', category: 'value', visibility: 'global' } as any });
    const isSqlite = app.strapi.db.dialect.client.includes('sqlite');
    await app.strapi.db
      .connection('ci_customer_tags')
      .insert({ customer_id: ids.Li, tag_id: tag.id, source: 'manual', created_at: isSqlite ? now : new Date(now) });
  });
  afterAll(async () => app?.stop());

  it('searches and paginates', async () => {
    const all = await get(admin, '/customers?pageSize=2');
    expect(all.body.meta.pagination).toMatchObject({ total: 3, pageCount: 2, page: 1 });
    expect(all.body.data).toHaveLength(2);
    const found = await get(admin, '/customers?q=Beijing');
    expect(found.body.data.map((c: any) => c.name)).toEqual(['Wang']);
    // Email and phone are encrypted at rest: found whole (case and spaces ignored), never by a part.
    const byEmail = await get(admin, `/customers?q=${encodeURIComponent(' Zhang@Example.com')}`);
    expect(byEmail.body.data.map((c: any) => c.id)).toEqual([ids.Zhang]);
    expect((await get(admin, '/customers?q=zhang@')).body.data).toEqual([]);
    const bad = await get(admin, '/customers?pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toBe('/pageSize');
  });

  it('masks contact fields (not names) without sensitive.view, and does not search them', async () => {
    const list = await get(viewer, '/customers?q=Shanghai');
    expect(list.status).toBe(200);
    const li = list.body.data.find((c: any) => c.id === ids.Li);
    expect(li).toMatchObject({ name: 'Li', email: 'l***@example.com', phone: '*******1234' });
    expect((await get(viewer, '/customers?q=zhang@example.com')).body.data).toEqual([]);
    const profile = await get(viewer, `/customers/${ids.Li}`);
    expect(profile.body.data.masked).toBe(true);
    expect(profile.body.data.customer.email).toBe('l***@example.com');
    expect(profile.body.data.referrals.map((r: any) => r.name).sort()).toEqual(['Wang', 'Zhang']);
    const full = await get(admin, `/customers/${ids.Li}`);
    expect(full.body.data.customer.email).toBe('li@example.com');
  });

  it('returns the network, tags by category and a newest-first journey', async () => {
    const { body } = await get(admin, `/customers/${ids.Li}`);
    const p = body.data;
    expect(p.referrals.map((r: any) => r.id).sort()).toEqual([ids.Wang, ids.Zhang].sort());
    expect(p.tags).toEqual([expect.objectContaining({ slug: 'vip', category: 'value', source: 'manual' })]);
    expect(p.timeline.map((e: any) => `${e.kind}:${e.type}`)).toEqual(['interaction:meeting_attended', 'order:new', 'interaction:email_open']);
    const zhang = (await get(admin, `/customers/${ids.Zhang}`)).body.data;
    expect(zhang.referrer).toMatchObject({ id: ids.Li });
    expect(zhang.family.map((f: any) => f.id)).toEqual([ids.Wang]);
    // Family links show from both ends.
    expect((await get(admin, `/customers/${ids.Wang}`)).body.data.family.map((f: any) => f.id)).toEqual([ids.Zhang]);
    expect((await get(admin, '/customers/999999')).status).toBe(404);
  });

  it('adds and removes a tag for one customer; refuses bad bodies and missing permission', async () => {
    const tagId = (await get(admin, '/tags')).body.data[0].id;
    const post = (token: string, body: unknown) =>
      fetch(`${app.url}/client-insights/customers/${ids.Wang}/tags`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(viewer, { tagId })).status).toBe(403);
    const bad = await post(admin, { tagId: 'vip' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.details.errors[0].path).toBe('/tagId');
    expect((await post(admin, { tagId })).status).toBe(200);
    expect((await get(admin, `/customers/${ids.Wang}`)).body.data.tags.map((t: any) => t.slug)).toEqual(['vip']);
    const del = await fetch(`${app.url}/client-insights/customers/${ids.Wang}/tags/${tagId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(((await del.json()) as any).data.removed).toBe(1);
    expect((await get(admin, `/customers/${ids.Wang}`)).body.data.tags).toEqual([]);
  });
});
