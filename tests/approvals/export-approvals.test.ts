import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Maker-checker approvals of exports (issue 13, item 5; seed 000 "导出需双重审批"): an export
 * carrying contact data unmasked, or more rows than the limit (50 here), becomes a pending request
 * with a reason and a preview; another user holding export.approve approves it (never the
 * requester), which starts the export job once, for the requester, who downloads the file. Reject,
 * cancel and expiry end it; the direct CSV routes refuse such exports; every step is audited.
 */
describe('export approvals', () => {
  let app: TestApp;
  let admin: string;
  /** Exports with sensitive.view: their customer CSV carries email and phone. */
  let maker: string;
  /** Holds export.approve only. */
  let checker: string;
  /** Another exporter, without export.approve. */
  let bystander: string;
  let sales: string;
  let management: string;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path.startsWith('/api/') ? '' : '/client-insights'}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const login = async (code: string, email: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    await app.strapi
      .service('admin::user')
      .create({ email, firstname: 'Role', lastname: code.split('-').pop(), password: 'Role12345!', isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Role12345!' }),
    });
    return ((await res.json()) as any).data.token as string;
  };
  const knex = () => app.strapi.db.connection;
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await knex()(table).where(where).count({ n: '*' }).first())!.n);
  const finished = async (token: string, jobId: number) => {
    for (;;) {
      const job = await call(token, 'GET', `/jobs/${jobId}`);
      expect(job.status).toBe(200);
      if (!['queued', 'running'].includes(job.body.data.status)) return job.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const SIGNED = { source: 'customers', filter: { stage: 'signed' } };
  const ask = async (token = maker, request: Record<string, unknown> = SIGNED, reason = 'Quarterly mailing list for the signed clients') => {
    const res = await call(token, 'POST', '/exports', { ...request, reason });
    expect([res.status, res.body?.meta]).toEqual([202, { approval: true }]);
    return res.body.data;
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true, env: { CI_EXPORT_APPROVAL_ROWS: '50' } });
    admin = await adminSession(app);
    maker = await restrictedSession(app, ['segments.read', 'export', 'sensitive.view']);
    checker = await restrictedSession(app, ['segments.read', 'export.approve']);
    bystander = await restrictedSession(app, ['segments.read', 'export']);
    sales = await login('client-insights-sales-manager', 'sales@test.local');
    management = await login('client-insights-management', 'management@test.local');
    // 60 customers (over the limit of 50), 30 of them signed (under it).
    const now = new Date();
    const rows = Array.from({ length: 60 }, (_, i) => ({
      document_id: `approval-test-${i}`,
      name: `Client ${i}`,
      stage: i % 2 ? 'signed' : 'consultation',
      email: `c${i}@example.com`,
      phone: `+86 138 0000 ${String(i).padStart(4, '0')}`,
      created_at: now,
      updated_at: now,
      published_at: now,
    }));
    await knex()('customers').insert(rows);
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
  }, 180_000);
  afterAll(async () => app?.stop());

  it('asks for a reason, then records a pending request with its preview instead of starting a job', async () => {
    const jobs = await count('ci_jobs');
    const noReason = await call(maker, 'POST', '/exports', SIGNED);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.errors[0]).toMatchObject({ path: '/reason' });
    expect(noReason.body.error.message).toMatch(/needs approval \(it carries email, phone unmasked\)/);
    expect((await call(maker, 'POST', '/exports', { ...SIGNED, reason: '   ' })).body.error.details.errors[0].path).toBe('/reason');
    expect((await call(maker, 'POST', '/exports', { ...SIGNED, reason: 'x'.repeat(1001) })).status).toBe(400);
    expect(await count('ci_approvals')).toBe(0);

    const approval = await ask();
    expect(approval).toMatchObject({
      kind: 'export',
      status: 'pending',
      reason: 'Quarterly mailing list for the signed clients',
      payload: { request: SIGNED },
      preview: { rows: 30, sensitiveFields: ['email', 'phone'], rowLimit: null, recipients: null },
      requesterName: 'R U',
      decidedBy: null,
      jobId: null,
    });
    // Expires 72 hours later by default.
    expect(new Date(approval.expiresAt).getTime() - new Date(approval.createdAt).getTime()).toBe(72 * 3_600_000);
    expect(await count('ci_jobs')).toBe(jobs);
  });

  it('runs the export once another user approves it; the requester downloads the file, nobody else', async () => {
    const approval = await ask();
    // The requester may not approve it; a user without export.approve may not either (and does not see it).
    const self = await call(maker, 'POST', `/approvals/${approval.id}/approve`, {});
    expect(self.status).toBe(403);
    expect((await call(bystander, 'POST', `/approvals/${approval.id}/approve`, {})).status).toBe(403);
    expect((await call(bystander, 'GET', `/approvals/${approval.id}`)).status).toBe(404);
    expect((await call(bystander, 'GET', '/approvals')).body.data).toEqual([]);
    // The approver sees it in the pending list.
    const pending = await call(checker, 'GET', '/approvals?status=pending&kind=export');
    expect(pending.body.data.map((a: any) => a.id)).toContain(approval.id);

    const approved = await call(checker, 'POST', `/approvals/${approval.id}/approve`, { comment: ' Fine for the mailing ' });
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ status: 'executed', comment: 'Fine for the mailing', decidedBy: expect.any(Number), deciderName: 'R U' });
    const jobId = approved.body.data.jobId;
    expect(jobId).toEqual(expect.any(Number));
    const job = await finished(maker, jobId);
    expect(job).toMatchObject({ status: 'success', result: { rows: 30 } });
    const file = await call(maker, 'GET', `/exports/${jobId}/file`);
    expect(file.status).toBe(200);
    expect(file.text).toContain('c1@example.com');
    expect(file.text).toContain('+86 138 0000 0001');
    expect((await call(checker, 'GET', `/exports/${jobId}/file`)).status).toBe(403);
    expect((await call(bystander, 'GET', `/exports/${jobId}/file`)).status).toBe(404);
    // Approved once: a second approval (by anyone) is refused and starts nothing.
    const jobs = await count('ci_jobs');
    const again = await call(management, 'POST', `/approvals/${approval.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/is executed/);
    expect(await count('ci_jobs')).toBe(jobs);
  });

  it('refuses self-approval even to a user holding export.approve', async () => {
    const own = await ask(admin);
    const res = await call(admin, 'POST', `/approvals/${own.id}/approve`, {});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/made by you: another user holding "Approve exports" must decide it/);
    expect((await call(admin, 'POST', `/approvals/${own.id}/reject`, { comment: 'no' })).status).toBe(403);
    expect((await call(admin, 'GET', `/approvals/${own.id}`)).body.data.status).toBe('pending');
  });

  it('rejects with a required comment; a rejected request is never run', async () => {
    const approval = await ask();
    const noComment = await call(checker, 'POST', `/approvals/${approval.id}/reject`, {});
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.details.errors[0].path).toBe('/comment');
    const rejected = await call(checker, 'POST', `/approvals/${approval.id}/reject`, { comment: 'Use the masked list instead' });
    expect(rejected.body.data).toMatchObject({ status: 'rejected', comment: 'Use the masked list instead', jobId: null });
    expect((await call(management, 'POST', `/approvals/${approval.id}/approve`, {})).status).toBe(409);
  });

  it('lets only the requester cancel a pending request', async () => {
    const approval = await ask();
    expect((await call(checker, 'POST', `/approvals/${approval.id}/cancel`, {})).status).toBe(403);
    const cancelled = await call(maker, 'POST', `/approvals/${approval.id}/cancel`, {});
    expect(cancelled.body.data.status).toBe('cancelled');
    expect((await call(checker, 'POST', `/approvals/${approval.id}/approve`, {})).status).toBe(409);
  });

  it('refuses to approve an expired request and marks it expired; the sweep expires the others', async () => {
    const late = await ask();
    const later = await ask();
    const past = app.strapi.db.dialect.client === 'sqlite' ? Date.now() - 1000 : new Date(Date.now() - 1000);
    await knex()('ci_approvals').whereIn('id', [late.id, later.id]).update({ expires_at: past });
    const jobs = await count('ci_jobs');
    const res = await call(checker, 'POST', `/approvals/${late.id}/approve`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/expired/);
    expect((await call(maker, 'GET', `/approvals/${late.id}`)).body.data.status).toBe('expired');
    expect(await app.strapi.plugin('client-insights').service('approvals').expire()).toBe(1);
    expect((await call(maker, 'GET', `/approvals/${later.id}`)).body.data.status).toBe('expired');
    expect(await count('ci_jobs')).toBe(jobs);
  });

  it('runs the work exactly once when approvers race', async () => {
    for (let round = 0; round < 3; round++) {
      const approval = await ask();
      const jobs = await count('ci_jobs', { kind: 'export' });
      const answers = await Promise.all(
        [checker, management, checker, management, admin].map((token) => call(token, 'POST', `/approvals/${approval.id}/approve`, {}))
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
      expect(await count('ci_jobs', { kind: 'export' })).toBe(jobs + 1);
      await finished(maker, answers.find((a) => a.status === 200)!.body.data.jobId);
    }
  });

  it('refuses bad input with the field named, changing nothing', async () => {
    const approval = await ask();
    const before = await knex()('ci_approvals').where({ id: approval.id }).first();
    const bad = [
      await call(checker, 'POST', `/approvals/${approval.id}/approve`, { comment: 'ok', jobId: 5 }),
      await call(checker, 'POST', `/approvals/${approval.id}/approve`, { comment: 'x'.repeat(1001) }),
      await call(checker, 'POST', `/approvals/${approval.id}/approve`, { comment: '  ' }),
      await call(checker, 'POST', `/approvals/${approval.id}/reject`, { comment: 'bad\u0000' }),
      await call(checker, 'POST', '/approvals/abc/approve', {}),
      await call(checker, 'POST', '/approvals/2147483648/approve', {}),
      await call(checker, 'GET', '/approvals?status=done'),
      await call(checker, 'GET', '/approvals?kind=payroll'),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(bad.map((r) => r.body.error.details.errors[0].path)).toEqual(['/jobId', '/comment', '/comment', '/comment', '/id', '/id', '/status', '/kind']);
    expect((await call(checker, 'POST', '/approvals/999999/approve', {})).status).toBe(404);
    expect(await knex()('ci_approvals').where({ id: approval.id }).first()).toEqual(before);
  });

  it('refuses the direct CSV routes when approval would be needed, naming POST /exports', async () => {
    const direct = await call(maker, 'POST', '/customers/export', { stage: 'signed' });
    expect(direct.status).toBe(403);
    expect(direct.body.error.name).toBe('ApprovalRequiredError');
    expect(direct.body.error.message).toMatch(/carries email, phone unmasked.*POST \/client-insights\/exports/);
    expect(direct.text).not.toContain('@example.com');
    // Over the row limit, without contact data: refused too; under it, streamed (masked).
    const all = await call(bystander, 'POST', '/customers/export', {});
    expect(all.status).toBe(403);
    expect(all.body.error.message).toMatch(/it has 60 rows \(more than 50\)/);
    const few = await call(bystander, 'POST', '/customers/export', { stage: 'signed' });
    expect(few.status).toBe(200);
    expect(few.text).toContain('c***@example.com');
    // A segment result of 60 members, on the admin route and the content API.
    const seg = await call(admin, 'POST', '/segments', { data: { name: 'Everyone', rule: { in: [{ var: 'customer.stage' }, ['signed', 'consultation']] } } });
    const run = (await call(admin, 'POST', `/segments/${seg.body.data.id}/execute`, { data: { wait: true } })).body.data;
    expect(run.status).toBe('success');
    expect((await call(bystander, 'POST', `/segments/results/${run.executionId}/export`, {})).status).toBe(403);
    const token = await apiToken(app);
    const api = await call(token, 'POST', `/api/segments/results/${run.executionId}/export`, {});
    expect(api.status).toBe(403);
    expect(api.body.error.message).toMatch(/needs approval/);
    // The same through POST /exports: a request (a member export carries no contact data: only the row limit).
    const viaJob = await ask(bystander, { source: 'segmentResult', result: run.executionId });
    expect(viaJob.preview).toMatchObject({ rows: 60, sensitiveFields: [], rowLimit: 50 });
  });

  it('takes a Sales Manager (no contact data) through approval for a large export; the file stays masked', async () => {
    // Under the limit: no approval, a job at once.
    const small = await call(sales, 'POST', '/exports', SIGNED);
    expect(small.status).toBe(202);
    expect(small.body.meta).toBeUndefined();
    expect((await finished(sales, small.body.data.id)).status).toBe('success');

    const approval = await ask(sales, { source: 'customers', filter: {} }, 'Whole list for the regional review');
    expect(approval.preview).toMatchObject({ rows: 60, sensitiveFields: [], rowLimit: 50 });
    expect((await call(sales, 'POST', `/approvals/${approval.id}/approve`, {})).status).toBe(403);
    // The Sales Manager lists only their own requests.
    const mine = (await call(sales, 'GET', '/approvals')).body.data;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a: any) => a.requestedBy === approval.requestedBy)).toBe(true);
    const approved = await call(management, 'POST', `/approvals/${approval.id}/approve`, { comment: 'ok' });
    expect(approved.body.data.status).toBe('executed');
    expect((await finished(sales, approved.body.data.jobId)).result.rows).toBe(60);
    const file = await call(sales, 'GET', `/exports/${approved.body.data.jobId}/file`);
    expect(file.text).toContain('Client 1');
    expect(file.text).not.toMatch(/c\d+@example\.com/);
  });

  it('audits every step with the state before and after', async () => {
    const entries = await knex()('ci_audit_log').where({ target_type: 'approvals' }).select('action', 'actor_type', 'details');
    const actions = new Set(entries.map((e: any) => e.action));
    for (const action of ['request', 'approve', 'execute', 'reject', 'cancel', 'expire']) expect(actions).toContain(`approval.${action}`);
    const approve = entries.find((e: any) => e.action === 'approval.approve')!;
    expect(JSON.parse(approve.details)).toMatchObject({ kind: 'export', before: { status: 'pending' }, after: { status: 'approved' } });
    expect(entries.find((e: any) => e.action === 'approval.expire')!.actor_type).toBe('system');
    // The refused attempts are in the log too (as answered requests).
    expect(await count('ci_audit_log', { action: 'POST /approvals/:id/approve', status: 403 })).toBeGreaterThan(0);
  });
});
