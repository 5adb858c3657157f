import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The Prometheus endpoint: refused without the token (or with a wrong one, or when none is
 * configured), the text format with the named metrics otherwise, and the run histogram counts a
 * segment run as it finishes.
 */
describe('Prometheus metrics', () => {
  const TOKEN = 'metrics-test-token-0123456789';
  let app: TestApp;
  let admin: string;

  const scrape = (authorization?: string) =>
    fetch(`${app.url}/api/client-insights/metrics`, { headers: authorization ? { authorization } : {} }).then(async (res) => ({
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    }));
  /** A sample's value from the exposition text, 0 when absent. */
  const sample = (text: string, name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true, env: { CI_METRICS_TOKEN: TOKEN } });
    admin = await adminSession(app);
  }, 180_000);
  afterAll(async () => app?.stop());

  it('refuses a missing or wrong token with 401, never showing the token', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `bearer  ${TOKEN}`]) {
      const res = await scrape(auth);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(TOKEN);
      expect(JSON.parse(res.text).error.status).toBe(401);
    }
  });

  it('serves the text format with the named metrics', async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'ci_preview_duration_seconds',
      'ci_segment_run_duration_seconds',
      'ci_segment_runs_total',
      'ci_queue_depth',
      'ci_http_request_duration_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ])
      expect(res.text).toContain(`# TYPE ${name} `);
    expect(res.text).toMatch(/ci_queue_depth\{queue="segment_runs",status="queued"\} 0/);
    expect(res.text).toMatch(/ci_queue_depth\{queue="automation_outbox",status="pending"\} 0/);
  });

  it('counts a segment run and a preview where they finish, and the API calls by route pattern', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${app.url}/client-insights${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    const before = (await scrape(`Bearer ${TOKEN}`)).text;
    const rule = { '==': [{ var: 'customer.stage' }, 'signed'] };
    await call('POST', '/rules/preview', { rule });
    const seg = await call('POST', '/segments', { data: { name: 'Metrics run', rule } });
    const run = await call('POST', `/segments/${seg.data.id}/execute`, { data: { wait: true } });
    expect(run.data.status).toBe('success');
    const after = (await scrape(`Bearer ${TOKEN}`)).text;
    expect(sample(after, 'ci_segment_run_duration_seconds_count{status="success"}')).toBe(
      sample(before, 'ci_segment_run_duration_seconds_count{status="success"}') + 1
    );
    expect(sample(after, 'ci_segment_runs_total{status="success"}')).toBe(sample(before, 'ci_segment_runs_total{status="success"}') + 1);
    expect(sample(after, 'ci_preview_duration_seconds_count')).toBe(sample(before, 'ci_preview_duration_seconds_count') + 1);
    // By the router's pattern, not the URL: the segment's id does not make a series of its own.
    expect(after).toMatch(/ci_http_request_duration_seconds_count\{method="POST",route="\/client-insights\/segments\/:id\/execute",status="200"\} 1/);
    expect(after).not.toContain(`/segments/${seg.data.id}/execute`);
  });
});
