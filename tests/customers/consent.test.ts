import { adminSession, pluginCall, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Consent per channel (issue 13, item 6): kept on the customer, granted or withdrawn with when and
 * from what source, shown on the profile, changed by whoever reads customers (audited with before
 * and after), and read by automation through `mayContact`: no recorded grant, no contact.
 */
describe('consent per channel', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  let customerId: number;
  let otherId: number;

  const call = (token: string, method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  const customers = () => app.strapi.plugin('client-insights').service('customers');
  const rows = async () =>
    app.strapi.db.connection('ci_customer_consent').orderBy(['customer_id', 'channel']).select('customer_id', 'channel', 'granted', 'source');

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
    const a = await app.strapi.documents('api::customer.customer').create({ data: { name: 'Consenting', email: 'c@example.com', stage: 'signed' } as any });
    const b = await app.strapi.documents('api::customer.customer').create({ data: { name: 'Other', stage: 'signed' } as any });
    customerId = (a as any).id;
    otherId = (b as any).id;
  }, 180_000);
  afterAll(async () => app?.stop());

  it('starts with nothing recorded: the profile says so and nobody may be contacted', async () => {
    const profile = await call(sales, 'GET', `/customers/${customerId}`);
    expect(profile.body.data.consent).toEqual(
      ['email', 'sms', 'phone', 'push'].map((channel) => ({ channel, granted: null, at: null, source: null, recordedBy: null }))
    );
    for (const channel of ['email', 'sms', 'phone', 'push']) expect(await customers().mayContact(customerId, channel)).toBe(false);
    expect([...(await customers().mayContactMany([customerId, otherId], 'email'))]).toEqual([]);
  });

  it('records a grant and a withdrawal with when and source; automation reads them', async () => {
    const granted = await call(sales, 'PUT', `/customers/${customerId}/consent/email`, { granted: true, source: ' Signed form 2026-11 ' });
    expect(granted.status).toBe(200);
    const email = granted.body.data.find((c: any) => c.channel === 'email');
    expect(email).toMatchObject({ granted: true, source: 'Signed form 2026-11', recordedBy: expect.any(Number) });
    expect(Date.now() - new Date(email.at).getTime()).toBeLessThan(60_000);
    expect(granted.body.data.find((c: any) => c.channel === 'sms').granted).toBeNull();
    await call(admin, 'PUT', `/customers/${customerId}/consent/sms`, { granted: true, source: 'phone call' });
    expect(await customers().mayContact(customerId, 'email')).toBe(true);
    expect(await customers().mayContact(customerId, 'sms')).toBe(true);
    expect(await customers().mayContact(otherId, 'email')).toBe(false);
    expect([...(await customers().mayContactMany([customerId, otherId], 'email'))]).toEqual([customerId]);

    const withdrawn = await call(admin, 'PUT', `/customers/${customerId}/consent/sms`, { granted: false, source: 'Replied STOP' });
    expect(withdrawn.body.data.find((c: any) => c.channel === 'sms')).toMatchObject({ granted: false, source: 'Replied STOP' });
    expect(await customers().mayContact(customerId, 'sms')).toBe(false);
    // One row per customer and channel: the latest decision.
    expect(await rows()).toEqual([
      { customer_id: customerId, channel: 'email', granted: expect.anything(), source: 'Signed form 2026-11' },
      { customer_id: customerId, channel: 'sms', granted: expect.anything(), source: 'Replied STOP' },
    ]);
    const profile = await call(admin, 'GET', `/customers/${customerId}`);
    expect(profile.body.data.consent.map((c: any) => c.granted)).toEqual([true, false, null, null]);
  });

  it('audits each change with the consent before and after', async () => {
    const entries = await app.strapi.db
      .connection('ci_audit_log')
      .where({ action: 'consent.change', target_id: String(customerId) })
      .orderBy('id');
    expect(entries).toHaveLength(3);
    const last = JSON.parse(entries[2].details);
    expect(last).toMatchObject({ channel: 'sms', before: { granted: true, source: 'phone call' }, after: { granted: false, source: 'Replied STOP' } });
  });

  it('refuses bad input with the field named, changing nothing', async () => {
    const before = await rows();
    const bad = [
      await call(admin, 'PUT', `/customers/${customerId}/consent/fax`, { granted: true, source: 'x' }),
      await call(admin, 'PUT', `/customers/${customerId}/consent/email`, { granted: 'yes', source: 'x' }),
      await call(admin, 'PUT', `/customers/${customerId}/consent/email`, { granted: false, source: '  ' }),
      await call(admin, 'PUT', `/customers/${customerId}/consent/email`, { granted: false, source: 'x'.repeat(101) }),
      await call(admin, 'PUT', `/customers/${customerId}/consent/email`, { granted: false, source: 'x', at: 'now' }),
      await call(admin, 'PUT', `/customers/2147483648/consent/email`, { granted: false, source: 'x' }),
      await call(admin, 'PUT', `/customers/${customerId}/consent/email`, { granted: false, source: 'nul\u0000' }),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(bad.map((r) => r.body.error.details.errors[0].path)).toEqual(['/channel', '/granted', '/source', '/source', '/at', '/id', '/source']);
    expect((await call(admin, 'PUT', '/customers/999999/consent/email', { granted: true, source: 'x' })).status).toBe(404);
    const noRight = await restrictedSession(app, ['export']);
    expect((await call(noRight, 'PUT', `/customers/${customerId}/consent/email`, { granted: false, source: 'x' })).status).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it("goes with the customer's personal data: exported, and erased", async () => {
    const data = await call(admin, 'GET', `/customers/${customerId}/personal-data`);
    expect(data.body.data.derived.ci_customer_consent).toHaveLength(2);
    const erased = await call(admin, 'DELETE', `/customers/${customerId}/personal-data`);
    expect(erased.body.data.deleted.ci_customer_consent).toBe(2);
    expect(await rows()).toEqual([]);
  });
});
