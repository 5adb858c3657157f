import { AUDIT_EVENT, forwardAuditToStrapi } from '../../plugins/client-insights/server/src/core/audit/forward';
import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The audit log: every write to the plugin (refusals too), file downloads and profile reads by
 * those who see contact data are recorded with who, what, target, status, IP and user agent; it is
 * read (and exported) only with `audit.read`, never changed through the API, and purged after the
 * kept days.
 */
describe('the audit log', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  let management: string;
  let adminId: number;
  let customerId: number;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'audit-test/1.0' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const login = async (code: string, email: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    await app.strapi.service('admin::user').create({ email, firstname: 'A', lastname: 'U', password: 'Audit12345!', isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Audit12345!' }),
    });
    return ((await res.json()) as any).data.token as string;
  };
  const entries = async (query = '') => (await call(management, 'GET', `/audit?pageSize=200${query}`)).body.data as any[];

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    adminId = Number((await app.strapi.db.query('admin::user').findOne({ where: { email: 'admin@test.local' } })).id);
    sales = await login('client-insights-sales-manager', 'sales-audit@test.local');
    management = await login('client-insights-management', 'management-audit@test.local');
    customerId = Number((await app.strapi.documents('api::customer.customer').create({ data: { name: '审计客户', email: 'audit@example.com' } as any })).id);
  });
  afterAll(async () => app?.stop());

  it('records a write with who, what, target, status, where from and what was asked', async () => {
    const created = await call(admin, 'POST', '/tags', { name: 'Audited', category: 'basic' });
    expect(created.status).toBe(201);
    const tagId = created.body.data.id;
    const updated = await call(admin, 'PUT', `/tags/${tagId}`, { description: 'changed' });
    expect(updated.status).toBe(200);
    const [entry] = await entries(`&targetType=tags&targetId=${tagId}`);
    expect(entry).toMatchObject({
      actorType: 'admin',
      actorId: adminId,
      action: 'PUT /tags/:id',
      targetType: 'tags',
      targetId: String(tagId),
      status: 200,
      userAgent: 'audit-test/1.0',
    });
    expect(entry.ip).toBeTruthy();
    expect(entry.details.body).toEqual({ description: 'changed' });
  });

  it('records refused writes with their status', async () => {
    expect((await call(admin, 'POST', '/tags', { name: 'Bad', category: 'gold' })).status).toBe(400);
    const refused = (await entries('&action=POST%20%2Ftags')).find((e) => e.status === 400);
    expect(refused).toMatchObject({ actorId: adminId, details: { body: { name: 'Bad', category: 'gold' } } });
  });

  it('records a hostile deeply nested write without keeping its body', async () => {
    const deep = `{"name":"Deep","category":"basic","description":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const res = await fetch(`${app.url}/client-insights/tags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: deep,
    });
    expect(res.status).toBe(400);
    const refused = (await entries('&action=POST%20%2Ftags')).find((e) => e.details?.truncated);
    expect(refused).toMatchObject({ status: 400, details: { truncated: true, reason: expect.stringContaining('nested deeper') } });
  });

  it('records who saw a customer with contact data, and not readers who see it masked', async () => {
    expect((await call(admin, 'GET', `/customers/${customerId}`)).status).toBe(200);
    expect((await call(sales, 'GET', `/customers/${customerId}`)).status).toBe(200);
    const reads = await entries(`&targetType=customers&targetId=${customerId}`);
    expect(reads.map((e) => [e.action, e.actorId])).toEqual([['GET /customers/:id', adminId]]);
  });

  it('records downloads', async () => {
    // A masked export (the Sales Manager's) downloads; the super admin's carries contact data and needs approval (refused here, recorded too).
    expect((await call(sales, 'POST', '/customers/export', {})).status).toBe(200);
    expect((await call(admin, 'POST', '/customers/export', {})).status).toBe(403);
    const downloads = (await entries('&action=export')).filter((e) => e.action === 'POST /customers/export');
    expect(downloads.some((e) => e.status === 200 && e.actorId !== adminId)).toBe(true);
    expect(downloads.some((e) => e.status === 403 && e.actorId === adminId)).toBe(true);
  });

  it('is read only with audit.read, exported as CSV, and has no route that changes it', async () => {
    expect((await call(sales, 'GET', '/audit')).status).toBe(403);
    expect((await call(admin, 'GET', '/audit')).status).toBe(200); // the super admin holds every action
    const csv = await call(management, 'GET', '/audit/export?targetType=tags');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('PUT /tags/:id');
    const first = (await entries())[0];
    for (const method of ['PUT', 'DELETE', 'POST'])
      expect((await call(management, method, `/audit/${first.id}`, method === 'DELETE' ? undefined : {})).status).toBe(405);
  });

  it('records policy refusals on every path: plugin reads, the content manager, the content API; never what was searched', async () => {
    const salesId = Number((await app.strapi.db.query('admin::user').findOne({ where: { email: 'sales-audit@test.local' } })).id);
    expect((await call(sales, 'GET', '/audit?targetType=tags')).status).toBe(403);
    const exporter = await restrictedSession(app, ['export']);
    const cm = await fetch(`${app.url}/content-manager/collection-types/api::customer.customer?_q=audit@example.com`, {
      headers: { authorization: `Bearer ${exporter}`, 'user-agent': 'audit-test/1.0' },
    });
    expect(cm.status).toBe(403);
    const readOnly = await apiToken(app, 'read-only');
    const api = await fetch(`${app.url}/api/crm/segments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Not allowed', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } }),
    });
    expect(api.status).toBe(403);
    const refusals = (await entries()).filter((e) => e.status === 403);
    expect(refusals.find((e) => e.action === 'GET /client-insights/audit')).toMatchObject({ actorType: 'admin', actorId: salesId, targetType: 'audit' });
    const cmEntry = refusals.find((e) => e.targetType === 'api::customer.customer');
    expect(cmEntry).toMatchObject({ actorType: 'admin', action: 'GET /content-manager/collection-types/api::customer.customer', userAgent: 'audit-test/1.0' });
    expect(JSON.stringify(cmEntry)).not.toContain('audit@example.com');
    expect(refusals.find((e) => e.action === 'POST /api/crm/segments')).toMatchObject({ actorType: 'api', targetType: 'segments' });
  });

  it('records the runs the system starts (schedules) with the system as actor, not the runs people start', async () => {
    const created = await call(admin, 'POST', '/segments', { data: { name: 'System audited', rule: { '>': [{ var: 'metrics.total_spent' }, 1] } } });
    expect(created.status).toBe(201);
    const segmentId = created.body.data.id;
    const executor = app.strapi.plugin('client-insights').service('segments').executor();
    const run = await executor.execute(segmentId, { trigger: 'schedule', wait: true });
    await executor.execute(segmentId, { trigger: 'manual', wait: true });
    const runs = (await entries(`&targetType=segments&targetId=${segmentId}`)).filter((e) => e.actorType === 'system');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ actorId: null, action: 'segment run (schedule)', details: { runId: run.runId, status: 'success' } });
  });

  it("emits each entry on Strapi's event hub and registers it with Enterprise's audit log where that exists", async () => {
    const seen: any[] = [];
    const off = app.strapi.eventHub.subscribe((name: string, entry: any) => void (name === AUDIT_EVENT && seen.push(entry)));
    try {
      expect((await call(admin, 'POST', '/tags', { name: 'Forwarded', category: 'basic' })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([expect.objectContaining({ action: 'POST /tags', targetType: 'tags', status: 201, actor: { type: 'admin', id: adminId } })]);
    } finally {
      off();
    }
    // Community edition: no lifecycle service, nothing registered.
    expect(forwardAuditToStrapi(app.strapi)).toBe(false);
    // Enterprise's service (strapi.get('audit-logs-lifecycle')) receives the event and its transform.
    const registered: Array<[string, (entry: any) => any]> = [];
    (app.strapi as any).add('audit-logs-lifecycle', { registerEvent: (name: string, transform: any) => registered.push([name, transform]) });
    expect(forwardAuditToStrapi(app.strapi)).toBe(true);
    expect(registered.map(([name]) => name)).toEqual([AUDIT_EVENT]);
    expect(registered[0][1]({ actor: { type: 'admin', id: 1 }, action: 'DELETE /tags/:id', targetType: 'tags', targetId: '7', status: 409 })).toEqual({
      resource: { type: 'tags', id: '7' },
      details: { action: 'DELETE /tags/:id', status: 409 },
      outcome: 'failure',
    });
  });

  it('records a rule changed in the content manager with the segment before and after', async () => {
    const segment = await call(admin, 'POST', '/segments', { data: { name: 'CM audited', rule: { '>': [{ var: 'metrics.total_spent' }, 1] } } });
    expect(segment.status).toBe(201);
    const documentId = segment.body.data.documentId;
    const res = await fetch(`${app.url}/content-manager/collection-types/api::segment.segment/${documentId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rule: { '>': [{ var: 'metrics.total_spent' }, 2] } }),
    });
    expect(res.status).toBe(200);
    const [entry] = await entries(`&targetType=segments&targetId=${documentId}&action=update`);
    expect(entry).toMatchObject({ actorType: 'admin', actorId: adminId, action: 'update api::segment.segment' });
    expect(entry.details.before.rule).toEqual({ '>': [{ var: 'metrics.total_spent' }, 1] });
    expect(entry.details.after.rule).toEqual({ '>': [{ var: 'metrics.total_spent' }, 2] });
    // The plugin's own create was recorded once, by its route, not again by the document write inside it.
    expect((await entries(`&targetType=segments`)).filter((e) => e.action.startsWith('create '))).toEqual([]);
  });

  it('records a document write made inside a transaction once it commits, and not one rolled back', async () => {
    const made = async (name: string) =>
      (await call(admin, 'POST', '/segments', { data: { name, rule: { '>': [{ var: 'metrics.total_spent' }, 1] } } })).body.data.documentId as string;
    const kept = await made('Deleted in a transaction');
    const undone = await made('Delete rolled back');
    const started = Date.now();
    // As a system job deletes (no request): on SQLite the transaction holds the only connection.
    await app.strapi.db.transaction(() => app.strapi.documents('api::segment.segment').delete({ documentId: kept }));
    await expect(
      app.strapi.db.transaction(async () => {
        await app.strapi.documents('api::segment.segment').delete({ documentId: undone });
        throw new Error('roll back');
      })
    ).rejects.toThrow('roll back');
    // Well under the connection pool's timeout: nothing waited for a connection.
    expect(Date.now() - started).toBeLessThan(10_000);
    let deleted: any[] = [];
    for (let i = 0; i < 20 && !deleted.length; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      deleted = await entries(`&targetType=segments&targetId=${kept}&action=delete`);
    }
    expect(deleted).toEqual([expect.objectContaining({ actorType: 'system', action: 'delete api::segment.segment' })]);
    expect(await entries(`&targetType=segments&targetId=${undone}&action=delete`)).toEqual([]);
  });

  it('purges entries older than the kept days (90 by default)', async () => {
    const knex = app.strapi.db.connection;
    const old = new Date(Date.now() - 91 * 86_400_000);
    await knex('ci_audit_log').insert({ at: old, actor_type: 'system', action: 'old entry' });
    const service = app.strapi.plugin('client-insights').service('audit');
    const before = Number((await knex('ci_audit_log').count({ n: '*' }).first())!.n);
    expect(await service.purge()).toBe(1);
    expect(Number((await knex('ci_audit_log').count({ n: '*' }).first())!.n)).toBe(before - 1);
    expect(await knex('ci_audit_log').where({ action: 'old entry' }).first()).toBeUndefined();
  });
});
