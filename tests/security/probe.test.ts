import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';

describe('probe', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    token = await apiToken(app);
  }, 120000);
  afterAll(async () => app?.stop());
  it('probes', async () => {
    const call = async (method: string, path: string, body?: unknown, as: 'admin' | 'api' = 'admin', raw?: string) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${as === 'admin' ? admin : token}`, 'content-type': 'application/json' },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      console.log(method, path, raw ?? JSON.stringify(body)?.slice(0, 80), '->', res.status, text.slice(0, 250));
    };
    const nul = 'a\u0000b';
    await call('POST', '/client-insights/rules/preview', { rule: { '==': [{ var: 'customer.name' }, nul] } });
    await call('POST', '/client-insights/rules/preview', { rule: { in: [{ var: 'customer.region' }, [nul]] } });
    await call('POST', '/client-insights/rules/preview', { rule: { has_tag: [nul] } });
    await call('POST', '/client-insights/rules/preview', { rule: { in_segment: [nul] } });
    await call('POST', '/client-insights/rules/preview', { rule: { in_segment: ['nope'] } });
    await call('POST', '/client-insights/rules/preview', undefined, 'admin', '{"rule":{"==":[{"var":"customer.name"},"\\ud800"]}}');
    await call('POST', '/client-insights/segments', { name: nul, rule: { '==': [1, 1] } });
    await call('POST', '/client-insights/segments', { name: 'ok', description: nul, rule: { '==': [{ var: 'customer.name' }, 'x'] } });
    await call('POST', '/client-insights/segments', { name: 'ok2', schedule: nul, rule: { '==': [{ var: 'customer.name' }, 'x'] } });
    await call('POST', '/client-insights/segments', { name: 'ok3', schedule: '* * * * * *', rule: { '==': [{ var: 'customer.name' }, 'x'] } });
    await call('POST', '/client-insights/tags', { name: 'T', slug: nul, category: 'basic' });
    await call('POST', '/client-insights/tags', { name: nul, category: 'basic' });
    await call('GET', '/client-insights/customers?q=%00');
    await call('GET', '/client-insights/tags?q=%00');
    await call('GET', '/client-insights/customers/2147483648');
    await call('GET', '/client-insights/segments/primary?customerIds=2147483648');
    await call('GET', '/client-insights/segments/results/99999999999999999999');
    await call('GET', '/api/crm/customers/99999999999999999999/value-score', undefined, 'api');
    await call('GET', '/api/crm/customers/2147483648/value-score', undefined, 'api');
    await call('POST', '/client-insights/tags/1/bulk', { action: 'add', customerIds: [99999999999999999999] });
    await call('POST', '/client-insights/tags/merge', { source: 2147483648, target: 1 });
    await call('POST', '/client-insights/customers/1/tags', { tagId: 99999999999999999999 });
    await call('GET', '/client-insights/customers?page=1e20');
    await call('DELETE', '/client-insights/customers/999999/tags/999999');
    await call('GET', '/client-insights/rules/catalogue', undefined, 'api');
    const ro = await apiToken(app, 'read-only');
    for (const p of ['/api/client-insights/rules/catalogue', '/api/segments', '/api/segments/results', '/api/crm/customers/1/value-score']) {
      const res = await fetch(`${app.url}${p}`, { headers: { authorization: `Bearer ${ro}` } });
      console.log('RO', p, res.status, (await res.text()).slice(0, 120));
    }
    let deep: unknown = { '==': [1, 1] };
    for (let i = 0; i < 3000; i++) deep = { '!': [deep] };
    const r = await app.strapi.documents('api::segment.segment').create({ data: { key: 'deep', name: 'deep', rule: deep, status: 'active' } as any }).catch((e: any) => e.message);
    console.log('deep doc create', typeof r === 'string' ? r : 'stored');
    await call('POST', '/client-insights/tags/merge', { source: 1, target: 2 });
    await call('POST', '/api/segments', { data: { key: 'bad', name: 'bad', rule: { x: 1 }, schedule_cron: '* * * * * *' } }, 'api');
    const cors = await fetch(`${app.url}/api/segments`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    console.log('CORS', cors.status, cors.headers.get('access-control-allow-origin'), cors.headers.get('access-control-allow-credentials'));
  }, 120000);
});
