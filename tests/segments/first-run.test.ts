import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client } from './helpers';

/**
 * "Run now" on a fresh install (first start with the demo data): the run starts at once, its
 * progress is readable while it works, and it finishes in a few seconds, the first as the later ones.
 */
describe('the first run of a segment on a fresh install', () => {
  let app: TestApp;
  let admin: ReturnType<typeof client>;
  beforeAll(async () => {
    app = await startStrapi({ http: true, env: { DEMO_CUSTOMERS: '2000' } });
    admin = client(app, await adminSession(app));
  });
  afterAll(async () => app?.stop());

  const runNow = async (segmentId: number) => {
    const started = Date.now();
    const res = await admin('POST', `/client-insights/segments/${segmentId}/execute`, { wait: false });
    expect(res.status).toBe(202);
    const seen: Array<{ status: string; ms: number }> = [{ status: res.body.data.status, ms: Date.now() - started }];
    for (;;) {
      const polled = Date.now();
      const result = (await admin('GET', `/client-insights/segments/results/${res.body.data.executionId}`)).body.data;
      // A poll never waits behind the run: progress is readable while it works.
      seen.push({ status: result.status, ms: Date.now() - polled });
      if (['success', 'partial', 'failed'].includes(result.status)) return { result, seen, ms: Date.now() - started };
      if (Date.now() - started > 60_000) throw new Error(`still ${result.status} after 60 s: ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('starts at once and finishes within seconds, the first run like the next', async () => {
    const created = await admin('POST', '/client-insights/segments', {
      name: 'Recent buyers',
      rule: { and: [{ '>': [{ var: 'metrics.total_spent' }, 1000] }, { '>=': [{ order_count: [365] }, 1] }] },
    });
    expect(created.status).toBe(201);
    const first = await runNow(created.body.data.id);
    expect(first.result.status).toBe('success');
    expect(first.ms).toBeLessThan(5000);
    expect(Math.max(...first.seen.map((s) => s.ms))).toBeLessThan(2000);
    const second = await runNow(created.body.data.id);
    expect(second.result.status).toBe('success');
    console.log(`first run ${first.ms} ms, second ${second.ms} ms; polls ${JSON.stringify(first.seen)}`);
  });
});
