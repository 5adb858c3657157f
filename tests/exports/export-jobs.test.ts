import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Exports as tracked jobs: POST /exports answers 202 with a job in the one job model, /jobs/:id
 * follows it, and /exports/:id/file serves the same file the direct export streams. Only the user
 * who asked reads the job and the file; bad requests change nothing; old files are deleted.
 */
describe('export jobs', () => {
  let app: TestApp;
  let admin: string;
  /** Exports customers without sensitive.view: the super admin's customer file carries contact data, which needs approval (tests/approvals). */
  let exporter: string;
  let other: string;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Decoded keeping the byte order mark, which res.text() would drop.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const finished = async (token: string, jobId: number) => {
    for (;;) {
      const job = await call(token, 'GET', `/jobs/${jobId}`);
      expect(job.status).toBe(200);
      if (!['queued', 'running'].includes(job.body.data.status)) return job.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const jobCount = async () => Number((await app.strapi.db.connection('ci_jobs').count({ n: '*' }).first())!.n);

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    exporter = await restrictedSession(app, ['segments.read', 'export']);
    other = await restrictedSession(app, ['segments.read', 'export']);
    // More rows than one export batch (1000), names with commas, quotes and a line break.
    const now = new Date();
    const rows = Array.from({ length: 1205 }, (_, i) => ({
      document_id: `export-test-${i}`,
      name: i % 100 === 0 ? `Client "${i}", line\nbreak` : `客户 ${i}`,
      stage: i % 2 ? 'signed' : 'consultation',
      email: `c${i}@example.com`,
      created_at: now,
      updated_at: now,
      published_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200) await app.strapi.db.connection('customers').insert(rows.slice(i, i + 200));
    // Inserted around Strapi's lifecycles: their metrics rollup is built here.
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
  }, 180_000);
  afterAll(async () => app?.stop());

  it('writes the file in the background and serves the same bytes as the direct export', async () => {
    const query = '?locale=zh-Hans&timeZone=Asia%2FShanghai';
    const started = await call(exporter, 'POST', `/exports${query}`, { source: 'customers', filter: { stage: 'signed' } });
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ kind: 'export', params: { rows: 602 } });
    const job = await finished(exporter, started.body.data.id);
    expect(job).toMatchObject({ status: 'success', phase: 'done', progress: 1, result: { rows: 602, filename: 'customers.csv' } });

    const file = await call(exporter, 'GET', `/exports/${job.id}/file`);
    expect(file.status).toBe(200);
    const direct = await call(exporter, 'POST', `/customers/export${query}`, { stage: 'signed' });
    expect(file.text).toBe(direct.text);
    expect(file.text.startsWith('\uFEFF')).toBe(true);
    expect(job.result.bytes).toBe(Buffer.byteLength(file.text));
  });

  it('exports a segment result by the same job', async () => {
    const seg = await call(admin, 'POST', '/segments', { data: { name: 'Signed ones', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } } });
    expect(seg.status).toBe(201);
    const result = (await call(admin, 'POST', `/segments/${seg.body.data.id}/execute`, { data: { wait: true } })).body.data;
    expect(result.status).toBe('success');
    const started = await call(admin, 'POST', '/exports', { source: 'segmentResult', result: result.executionId });
    const job = await finished(admin, started.body.data.id);
    expect(job.result.rows).toBe(602);
    const file = await call(admin, 'GET', `/exports/${job.id}/file`);
    expect(file.text).toBe((await call(admin, 'POST', `/segments/results/${result.executionId}/export`, { data: {} })).text);
  });

  it("keeps a user's export to them: another user gets 404 for the job, its cancel and its file", async () => {
    const started = await call(exporter, 'POST', '/exports', { source: 'customers', filter: {} });
    const job = await finished(exporter, started.body.data.id);
    expect((await call(other, 'GET', `/jobs/${job.id}`)).status).toBe(404);
    expect((await call(other, 'POST', `/jobs/${job.id}/cancel`)).status).toBe(404);
    expect((await call(other, 'GET', `/exports/${job.id}/file`)).status).toBe(404);
    // Their own export works, and a finished job cannot be cancelled.
    const own = await finished(other, (await call(other, 'POST', '/exports', { source: 'customers', filter: { q: '客户 1' } })).body.data.id);
    expect(own.status).toBe('success');
    const cancel = await call(other, 'POST', `/jobs/${own.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toMatch(/already finished/);
  });

  it('refuses bad requests with the field named, creating no job', async () => {
    const before = await jobCount();
    const badSource = await call(admin, 'POST', '/exports', { source: 'everything' });
    expect(badSource.status).toBe(400);
    expect(badSource.body.error.details.errors[0].path).toBe('/source');
    const badFilter = await call(admin, 'POST', '/exports', { source: 'customers', filter: { stage: 'gold' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details.errors[0].path).toBe('/filter/stage');
    const unknown = await call(admin, 'POST', '/exports', { source: 'segmentResult', result: '999999' });
    expect(unknown.status).toBe(404);
    const noRight = await restrictedSession(app, ['segments.read']);
    expect((await call(noRight, 'POST', '/exports', { source: 'customers', filter: {} })).status).toBe(403);
    expect(await jobCount()).toBe(before);
  });

  it('deletes files a day after they were written: the download then answers 410', async () => {
    const job = await finished(exporter, (await call(exporter, 'POST', '/exports', { source: 'customers', filter: { stage: 'consultation' } })).body.data.id);
    const exportsService = app.strapi.plugin('client-insights').service('exports');
    expect(await exportsService.purge(new Date())).toBe(0);
    expect(await exportsService.purge(new Date(Date.now() + 25 * 3_600_000))).toBeGreaterThan(0);
    const gone = await call(exporter, 'GET', `/exports/${job.id}/file`);
    expect(gone.status).toBe(410);
    expect(gone.body.error.message).toMatch(/export again/);
  });
});
