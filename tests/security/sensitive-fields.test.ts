import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Sensitive fields (plugins/client-insights/shared/sensitive.ts) on every path, as each
 * bootstrap role and each kind of API token: the test walks the plugin's routes and exports, the
 * content manager (lists of customers, orders, interactions and tasks with their populated
 * customer and referrer, one customer, `_q` search, filters), REST with populate and GraphQL with
 * nested customers, and COUNTS the sensitive values it reads. Callers without `sensitive.view`
 * (Marketing Operations, Sales Manager, full-access, read-only and ungranted custom tokens) read
 * none; the Data Team, Management and a custom token granted the permission read them.
 * Replays issue 13, item 1 (the content manager's populated relations, `_q`, rule previews).
 */
describe('sensitive fields on every path', () => {
  let app: TestApp;
  let superAdmin: string;
  const roleToken: Record<string, string> = {};
  const apiTokens: Record<string, string> = {};
  const documentIds: string[] = [];
  let segmentId = 0;

  const N = 4;
  const email = (i: number) => `leak${i}.person@secret-mail.test`;
  const phone = (i: number) => `+86 1095 77${i}${i}`;
  const note = (i: number) => `private-note-${i}-do-not-show`;
  const OWNER_EMAIL = 'owner.secret@staff-mail.test';
  const SECRETS = [...Array.from({ length: N }, (_, i) => [email(i), phone(i), note(i)]).flat(), OWNER_EMAIL];
  /** How many sensitive values a text holds (each occurrence counts). */
  const count = (text: string) => SECRETS.reduce((n, s) => n + text.split(s).length - 1, 0);

  const ROLES = {
    marketing: 'client-insights-marketing-operations',
    sales: 'client-insights-sales-manager',
    data: 'client-insights-data-team',
    management: 'client-insights-management',
  } as const;
  const MASKED_ROLES = ['marketing', 'sales'] as const;
  const SEEING_ROLES = ['data', 'management'] as const;

  const login = async (code: string, address: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    await app.strapi
      .service('admin::user')
      .create({ email: address, firstname: 'R', lastname: code, password: 'Role12345!', isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: 'Role12345!' }),
    });
    return ((await res.json()) as any).data.token as string;
  };
  const http = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const customToken = async (permissions: string[]) => {
    const token = await app.strapi
      .service('admin::api-token')
      .create({ name: `custom-${permissions.length}-${Date.now()}`, type: 'custom', lifespan: null, permissions });
    return token.accessKey as string;
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    superAdmin = await adminSession(app);
    for (const [name, code] of Object.entries(ROLES)) roleToken[name] = await login(code, `${name}@roles.test`);
    const ownerRole = await app.strapi.db.query('admin::role').findOne({ where: { code: ROLES.sales } });
    const owner = await app.strapi
      .service('admin::user')
      .create({ email: OWNER_EMAIL, firstname: 'Owen', lastname: 'Owner', password: 'Owner12345!', isActive: true, roles: [ownerRole.id] });
    const ownerDoc = await app.strapi.db.query('admin::user').findOne({ where: { id: owner.id }, select: ['documentId'] });

    const customers = app.strapi.documents('api::customer.customer');
    let referrer: string | undefined;
    for (let i = 0; i < N; i += 1) {
      const doc = await customers.create({
        data: {
          name: `Client ${i}`,
          email: email(i),
          phone: phone(i),
          notes: note(i),
          stage: 'signed',
          region: 'Hangzhou',
          owner: ownerDoc.documentId,
          ...(referrer ? { referrer } : {}),
        } as any,
      });
      documentIds.push(doc.documentId);
      referrer = doc.documentId;
      await app.strapi.documents('api::order.order').create({
        data: { customer: doc.documentId, amount: 1000 + i, kind: 'new', payment_status: 'paid', ordered_at: new Date().toISOString() } as any,
      });
      await app.strapi.documents('api::interaction.interaction').create({
        data: { customer: doc.documentId, type: 'meeting_attended', occurred_at: new Date().toISOString() } as any,
      });
      await app.strapi.documents('api::task.task').create({ data: { title: `Call client ${i}`, customer: doc.documentId } as any });
    }
    const segment = await http(superAdmin, 'POST', '/client-insights/segments', {
      name: 'Hangzhou clients',
      rule: { '==': [{ var: 'customer.region' }, 'Hangzhou'] },
      execute: true,
    });
    expect(segment.status).toBe(201);
    segmentId = segment.body.data.id;

    apiTokens.fullAccess = await apiToken(app, 'full-access');
    apiTokens.readOnly = await apiToken(app, 'read-only');
    const reads = [
      'api::customer.customer.find',
      'api::customer.customer.findOne',
      'api::order.order.find',
      'api::interaction.interaction.find',
      'plugin::client-insights.crm.customerProfile',
    ];
    apiTokens.custom = await customToken(reads);
    apiTokens.granted = await customToken([...reads, 'plugin::client-insights.sensitive.view']);
  }, 180_000);
  afterAll(async () => app?.stop());

  const CM = '/content-manager/collection-types';

  /** Every admin path that shows customers, as one role: plugin routes and exports, then the content manager. */
  const adminPaths = async (token: string, seesContact = false) => {
    const texts: Record<string, string> = {};
    const get = async (name: string, path: string, method = 'GET', body?: unknown) => {
      const res = await http(token, method, path, body);
      // Every role reads every one of these paths: a refusal would hide a leak, not prevent it.
      expect([name, res.status < 400 ? 'ok' : res.text]).toEqual([name, 'ok']);
      texts[name] = res.text;
    };
    await get('plugin list', '/client-insights/customers?pageSize=100');
    await get('plugin search', `/client-insights/customers?q=${encodeURIComponent('leak1')}`);
    const ids = ((await http(token, 'GET', '/client-insights/customers?pageSize=100')).body?.data ?? []).map((c: any) => c.id);
    for (const id of ids) await get(`plugin profile ${id}`, `/client-insights/customers/${id}`);
    if (seesContact) {
      // A customer file with contact data needs a second user's approval (tests/approvals): the direct route refuses it.
      const direct = await http(token, 'POST', '/client-insights/customers/export', {});
      expect([direct.status, direct.body?.error?.name]).toEqual([403, 'ApprovalRequiredError']);
      texts['plugin export'] = direct.text;
    } else await get('plugin export', '/client-insights/customers/export', 'POST', {});
    await get('plugin preview', '/client-insights/rules/preview', 'POST', { rule: { '==': [{ var: 'customer.region' }, 'Hangzhou'] } });
    await get('plugin members', `/client-insights/segments/${segmentId}/customers?pageSize=100`);
    const results = (await http(token, 'GET', `/client-insights/segments/results?segment=${segmentId}`)).body.data;
    expect(results.length).toBeGreaterThan(0);
    await get('plugin result members', `/client-insights/segments/results/${results[0].runId}/customers?pageSize=100`);
    await get('plugin result export', `/client-insights/segments/results/${results[0].runId}/export`, 'POST', {});
    // The export as a tracked job: its file (with contact data: a pending approval request instead).
    const job = await http(token, 'POST', '/client-insights/exports', { source: 'customers', filter: {}, reason: 'the sensitive-field walk' });
    expect(job.status).toBe(202);
    if (seesContact) {
      expect(job.body.meta).toEqual({ approval: true });
      texts['plugin export request'] = job.text;
    } else {
      for (let state = job.body.data; ; await new Promise((r) => setTimeout(r, 50))) {
        state = (await http(token, 'GET', `/client-insights/jobs/${job.body.data.id}`)).body.data;
        if (!['queued', 'running'].includes(state.status)) break;
      }
      await get('plugin export file', `/client-insights/exports/${job.body.data.id}/file`);
    }
    for (const uid of ['api::customer.customer', 'api::order.order', 'api::interaction.interaction', 'api::task.task']) {
      await get(`cm list ${uid}`, `${CM}/${uid}?page=1&pageSize=100`);
    }
    for (const documentId of documentIds) await get(`cm customer ${documentId}`, `${CM}/api::customer.customer/${documentId}`);
    return texts;
  };

  /** Every content-API path that shows customers, as one token: REST with populate, GraphQL with nested customers, the plugin's preview. */
  const apiPaths = async (token: string) => {
    const texts: Record<string, string> = {};
    const get = async (name: string, path: string, method = 'GET', body?: unknown) => {
      const res = await http(token, method, path, body);
      texts[name] = res.status < 400 ? res.text : '';
    };
    await get('rest customers', '/api/customers?populate=*');
    await get('rest customer referrer', '/api/customers?populate[referrer][populate]=*&populate[referrals]=*');
    await get('rest orders', '/api/orders?populate[customer][populate]=referrer');
    await get('rest interactions', '/api/interactions?populate=customer');
    await get('rest one', `/api/customers/${documentIds[1]}?populate=*`);
    await get('graphql', '/graphql', 'POST', {
      query: '{ customers { name email phone notes referrer { email phone notes } } orders { customer { email phone notes referrer { email } } } }',
    });
    await get('api preview', '/api/segments/rules/preview', 'POST', { rule: { '==': [{ var: 'customer.region' }, 'Hangzhou'] } });
    // The integrator API's profile, REST and GraphQL, for every customer (referrer and referrals included).
    const ids = (await app.strapi.db.connection('customers').pluck('id')).map(Number);
    for (const id of ids) {
      await get(`crm profile ${id}`, `/api/crm/customers/${id}/profile`);
      await get(`crm graphql ${id}`, '/graphql', 'POST', { query: `{ crmCustomerProfile(id: ${id}) { customer referrer referrals family } }` });
    }
    return texts;
  };

  const total = (texts: Record<string, string>) => Object.values(texts).reduce((n, t) => n + count(t), 0);
  const leaks = (texts: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(texts)
        .map(([k, t]) => [k, count(t)])
        .filter(([, n]) => (n as number) > 0)
    );

  it.each(MASKED_ROLES)('%s reads 0 sensitive values on the plugin routes, exports and the content manager', async (role) => {
    const texts = await adminPaths(roleToken[role]);
    // The paths answered (the role reads customers, orders, interactions).
    expect(texts['cm list api::order.order']).toContain('documentId');
    expect(texts['plugin list']).toContain('Client 1');
    expect(leaks(texts)).toEqual({});
  });

  it.each(SEEING_ROLES)('%s (sensitive.view) reads them', async (role) => {
    const texts = await adminPaths(roleToken[role], true);
    expect(
      count(
        texts[
          'plugin profile ' +
            Object.keys(texts)
              .find((k) => k.startsWith('plugin profile'))!
              .split(' ')[2]
        ]
      )
    ).toBeGreaterThan(0);
    expect(count(texts[`cm customer ${documentIds[0]}`])).toBeGreaterThan(0);
    expect(total(texts)).toBeGreaterThan(0);
  });

  it.each(['fullAccess', 'readOnly', 'custom'])('a %s API token reads 0 sensitive values over REST, GraphQL and the plugin preview', async (kind) => {
    const texts = await apiPaths(apiTokens[kind]);
    expect(texts['rest customers']).toContain('Client 1');
    expect(Object.keys(texts).filter((k) => k.startsWith('crm ') && texts[k].includes('"customer"'))).toHaveLength(2 * N);
    expect(leaks(texts)).toEqual({});
  });

  it('a custom API token granted plugin::client-insights.sensitive.view reads them', async () => {
    const texts = await apiPaths(apiTokens.granted);
    expect(count(texts['rest customers'])).toBeGreaterThan(0);
    expect(count(texts['rest orders'])).toBeGreaterThan(0);
    expect(count(texts.graphql)).toBeGreaterThan(0);
    expect(count(texts[`crm profile ${(await app.strapi.db.connection('customers').first('id')).id}`])).toBeGreaterThan(0);
  });

  it('the content manager searches (_q) and filters without the hidden fields for masked roles', async () => {
    const search = (token: string, q: string) => http(token, 'GET', `${CM}/api::customer.customer?page=1&pageSize=100&_q=${encodeURIComponent(q)}`);
    // By an email: found only with the permission, and (encrypted at rest) only whole.
    expect((await search(roleToken.sales, email(1))).body.results).toEqual([]);
    expect((await search(roleToken.data, email(1).toUpperCase())).body.results.map((c: any) => c.name)).toEqual(['Client 1']);
    expect((await search(roleToken.data, 'leak1.person')).body.results).toEqual([]);
    // By name: found for everyone.
    expect((await search(roleToken.sales, 'Client 2')).body.results.map((c: any) => c.name)).toEqual(['Client 2']);
    // Filters and sorts on a hidden field, on the type itself or through a relation: refused with a 400
    // naming the field, or (the content manager's own field permissions) dropped: never narrowing.
    const probes: [string, number][] = [
      [`${CM}/api::customer.customer?filters[$and][0][email][$contains]=leak1`, N],
      [`${CM}/api::order.order?filters[$and][0][customer][phone][$contains]=1095%2077${1}`, N],
      [`${CM}/api::interaction.interaction?filters[$and][0][customer][notes][$contains]=note-1`, N],
      [`${CM}/api::customer.customer?filters[$and][0][referrer][email][$contains]=leak0`, N],
      [`${CM}/api::customer.customer?sort=email:asc`, N],
      [`${CM}/api::order.order?sort=customer.email:asc`, N],
    ];
    for (const [path, unfiltered] of probes) {
      const probe = await http(roleToken.sales, 'GET', path);
      if (probe.status === 400) expect(probe.body.error.message).toMatch(/"(email|phone|notes)" of api::customer\.customer is a sensitive field/);
      else expect([path, probe.status, probe.body.results.length]).toEqual([path, 200, unfiltered]);
    }
    expect((await http(roleToken.sales, 'GET', probes[1][0])).status).toBe(400);
    // With the permission: whole values by hash; a part of an encrypted value is refused with a 400 saying why.
    expect(
      (await http(roleToken.data, 'GET', `${CM}/api::customer.customer?filters[$and][0][email][$eq]=${encodeURIComponent(email(1))}`)).body.results
    ).toHaveLength(1);
    const part = await http(roleToken.data, 'GET', `${CM}/api::customer.customer?filters[$and][0][email][$contains]=leak1`);
    expect([part.status, part.body.error?.message]).toEqual([400, expect.stringContaining('"email" of api::customer.customer is encrypted at rest')]);
  });

  it('REST and GraphQL refuse filters on hidden fields to tokens without the grant', async () => {
    const rest = await http(apiTokens.fullAccess, 'GET', '/api/orders?filters[customer][email][$contains]=leak1');
    expect(rest.status).toBe(400);
    expect(rest.body.error.message).toContain('"email" of api::customer.customer is a sensitive field');
    const gql = await http(apiTokens.fullAccess, 'POST', '/graphql', { query: '{ customers(filters: { phone: { contains: "1095" } }) { name } }' });
    expect(gql.body.data?.customers ?? null).toBeNull();
    expect(JSON.stringify(gql.body.errors)).toContain('sensitive field');
    // Through a nested relation's own filter, which GraphQL loads around the Document Service.
    const nested = await http(apiTokens.readOnly, 'POST', '/graphql', {
      query: '{ customers { name referrals(filters: { or: [{ email: { contains: "leak" } }] }) { name } } }',
    });
    expect(nested.body.errors[0].message).toContain('"email" of api::customer.customer is a sensitive field');
    expect(JSON.stringify(nested.body.data ?? null)).not.toContain('Client 1');
    const granted = await http(apiTokens.granted, 'GET', `/api/orders?filters[customer][email][$eq]=${encodeURIComponent(email(1))}`);
    expect(granted.body.data).toHaveLength(1);
  });

  it('an edit by a role that may update customers but not see their contact data does not erase it', async () => {
    const editor = await restrictedSession(app, [
      { action: 'plugin::content-manager.explorer.read', subject: 'api::customer.customer', fields: ['name', 'email', 'phone', 'notes', 'stage'] },
      { action: 'plugin::content-manager.explorer.update', subject: 'api::customer.customer', fields: ['name', 'email', 'phone', 'notes', 'stage'] },
    ]);
    const shown = await http(editor, 'GET', `${CM}/api::customer.customer/${documentIds[3]}`);
    expect(count(shown.text)).toBe(0);
    const saved = await http(editor, 'PUT', `${CM}/api::customer.customer/${documentIds[3]}`, {
      name: 'Client 3 renamed',
      email: null,
      phone: '',
      notes: null,
    });
    expect(saved.status).toBe(200);
    const stored = await app.strapi.db.query('api::customer.customer').findOne({ where: { documentId: documentIds[3] } });
    expect(stored).toMatchObject({ name: 'Client 3 renamed', email: email(3), phone: phone(3), notes: note(3) });
    await app.strapi.db.query('api::customer.customer').update({ where: { documentId: documentIds[3] }, data: { name: 'Client 3' } });
  });

  it('refuses rules that read a sensitive field to callers without the permission, naming the field', async () => {
    const byEmail = { '==': [{ var: 'customer.email' }, email(1)] };
    const byPhone = { in: ['+86 1095', { var: 'customer.phone' }] };
    for (const role of MASKED_ROLES) {
      const preview = await http(roleToken[role], 'POST', '/client-insights/rules/preview', { rule: byEmail });
      expect(preview.status).toBe(400);
      expect(preview.body.error.details.errors).toEqual([
        { path: '/rule/==/0/var', message: expect.stringContaining('"customer.email" is a sensitive field') },
      ]);
      const phonePreview = await http(roleToken[role], 'POST', '/client-insights/rules/preview', { rule: { and: [byPhone] } });
      expect(phonePreview.status).toBe(400);
      expect(phonePreview.body.error.details.errors[0]).toMatchObject({ path: '/rule/and/0/in/1/var' });
    }
    const validate = await http(roleToken.marketing, 'POST', '/client-insights/rules/validate', { rule: byEmail });
    expect(validate.status).toBe(400);
    const segment = await http(roleToken.marketing, 'POST', '/client-insights/segments', { name: 'By email', rule: byEmail });
    expect(segment.status).toBe(400);
    expect(segment.body.error.details.errors[0].path).toBe('/rule/==/0/var');
    const own = await http(roleToken.marketing, 'POST', '/client-insights/segments', {
      name: 'Mine',
      rule: { '==': [{ var: 'customer.region' }, 'Hangzhou'] },
    });
    expect(own.status).toBe(201);
    const update = await http(roleToken.marketing, 'PUT', `/client-insights/segments/${own.body.data.id}`, { rule: byPhone });
    expect(update.status).toBe(400);
    const tag = await http(roleToken.marketing, 'POST', '/client-insights/tags', { name: 'Phone tag', category: 'behavior', rule: byPhone });
    expect(tag.status).toBe(400);
    // Through the content manager and the content API: the same refusal.
    const cm = await http(roleToken.marketing, 'POST', `${CM}/api::segment.segment`, { name: 'CM email', key: 'cm-email', rule: byEmail });
    expect(cm.status).toBe(400);
    expect(cm.body.error.message).toContain('"customer.email" is a sensitive field');
    const rest = await http(apiTokens.fullAccess, 'POST', '/api/segments', { data: { name: 'REST email', key: 'rest-email', rule: byEmail } });
    expect(rest.status).toBe(400);
    const apiPreview = await http(apiTokens.fullAccess, 'POST', '/api/segments/rules/preview', { rule: byEmail });
    expect(apiPreview.status).toBe(400);

    // A segment an administrator wrote on email: a masked role may still edit its name in the content
    // manager (whose edit view sends the stored rule back unchanged), not its rule.
    const byData = await http(superAdmin, 'POST', '/client-insights/segments', { name: 'Admin by email', rule: byEmail });
    expect(byData.status).toBe(201);
    const cmEdit = await http(roleToken.marketing, 'PUT', `${CM}/api::segment.segment/${byData.body.data.documentId}`, { name: 'Renamed', rule: byEmail });
    expect(cmEdit.status).toBe(200);
    const cmRule = await http(roleToken.marketing, 'PUT', `${CM}/api::segment.segment/${byData.body.data.documentId}`, { rule: byPhone });
    expect(cmRule.status).toBe(400);

    // With the permission: the same rules run.
    const seen = await http(roleToken.data, 'POST', '/client-insights/rules/preview', { rule: byEmail });
    expect(seen.status).toBe(200);
    expect(seen.body.data.count).toBe(1);
    // With the permission, text search inside an encrypted field is refused (400, why); whole values match by hash.
    const contains = await http(roleToken.data, 'POST', '/client-insights/rules/preview', { rule: byPhone });
    expect([contains.status, contains.body.error.details.errors[0]]).toEqual([
      400,
      { path: '/rule/in/1', message: expect.stringContaining('"customer.phone" is encrypted at rest') },
    ]);
    expect(
      (await http(roleToken.data, 'POST', '/client-insights/rules/preview', { rule: { in: [{ var: 'customer.phone' }, [phone(1), phone(2)]] } })).body.data
        .count
    ).toBe(2);
  });
});
