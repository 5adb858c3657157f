import { readDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { METRICS_LOCK } from '../../plugins/client-insights/server/src/modules/metrics/queue';
import { appWithLock, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, currentMembers, region, segmentsService, sorted, stage } from './helpers';

/** Materialisation, run records, the content API, static segments, faults and retention. */
describe('segment execution', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  let token: string;
  let ids: number[];
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await apiToken(app);
    call = client(app, token);
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed', region: 'Beijing', paid: [1000, 2000] },
      { name: 'B', stage: 'signed', region: 'Shanghai', paid: [500] },
      { name: 'C', stage: 'consultation', region: 'Beijing' },
      { name: 'D', stage: 'signed', region: 'Beijing' },
      { name: 'E', stage: 'churned', region: 'Shanghai', paid: [300] },
    ]);
  });
  afterAll(async () => app?.stop());
  const config = (values: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(values)) app.strapi.config.set(`plugin::client-insights.segments.${k}`, v);
  };

  let signed: any;
  it('creates and materialises a dynamic segment through the content API', async () => {
    const res = await call('POST', '/api/segments/rules', { name: 'Signed', rule: stage('signed'), execute: true });
    expect(res.status).toBe(201);
    signed = res.body.data;
    expect(signed.key).toBe('signed');
    const result = signed.currentResult;
    expect(result).toMatchObject({ status: 'success', error: null, phase: 'done', progress: 1, customerCount: 3, changes: { added: 3, removed: 0, kept: 0 } });
    expect(result.statistics).toEqual({ avgOrderValue: 1166.67, totalRevenue: 3500, orderCount: 3, churnRate: 0 });
    expect(typeof result.executionId).toBe('string');
    expect(result.executionTime).toBeGreaterThanOrEqual(0);
    expect(await currentMembers(app.strapi, signed.id)).toEqual(sorted([ids[0], ids[1], ids[3]]));
    const members = await call('GET', `/api/crm/segments/${signed.id}/customers?pageSize=2`);
    expect(members.status).toBe(200);
    expect(members.body.meta.pagination).toMatchObject({ total: 3, pageCount: 2, pageSize: 2 });
    expect(members.body.data.map((c: any) => c.id)).toEqual(sorted([ids[0], ids[1], ids[3]]).slice(0, 2));
    expect(members.body.data[0]).toMatchObject({ name: 'A', stage: 'signed', totalSpent: 3000, orderCount: 2 });
  });

  it('records added / removed / kept in SQL, with ids page by page, and enter/exit events', async () => {
    await app.strapi.db.query('api::customer.customer').update({ where: { id: ids[1] }, data: { stage: 'churned' } });
    const [f] = await createCustomers(app.strapi, [{ name: 'F', stage: 'signed', region: 'Beijing' }]);
    ids.push(f);
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await segmentsService(app.strapi).idle();
    const res = await call('POST', `/api/segments/rules/${signed.documentId}/execute`, {});
    expect(res.status).toBe(200);
    const run = res.body.data;
    expect(run).toMatchObject({ status: 'success', customerCount: 3, changes: { added: 0, removed: 0, kept: 3 } });
    // The data-change trigger already applied F (enter) and B (exit) to the current membership.
    const events = await app.strapi.db.connection('ci_segment_events').where('segment_id', signed.id).orderBy('id').select('customer_id', 'kind');
    expect(events.slice(3).map((e: any) => [Number(e.customer_id), e.kind])).toEqual(
      expect.arrayContaining([
        [f, 'enter'],
        [ids[1], 'exit'],
      ])
    );
    expect(await currentMembers(app.strapi, signed.id)).toEqual(sorted([ids[0], ids[3], f]));
  });

  it('keeps a pending re-evaluation in the database until a pass applies it, once', async () => {
    const knex = app.strapi.db.connection;
    const metrics = app.strapi.plugin('client-insights').service('metrics');
    const exits = () =>
      knex('ci_segment_events')
        .where({ segment_id: signed.id, customer_id: ids[0], kind: 'exit' })
        .count({ n: '*' })
        .first()
        .then((r: any) => Number(r.n));
    // A debounce that never ends here stands for a process that died before its pass.
    config({ changeDebounceMs: 3_600_000 });
    try {
      await app.strapi.db.query('api::customer.customer').update({ where: { id: ids[0] }, data: { stage: 'churned' } });
      await metrics.drain();
      expect((await knex('ci_segment_pending').pluck('customer_id')).map(Number)).toContain(ids[0]);
      expect(await currentMembers(app.strapi, signed.id)).toContain(ids[0]);
      // What startup and the once-a-minute job run:
      await segmentsService(app.strapi).applyPendingChanges();
      expect(await currentMembers(app.strapi, signed.id)).not.toContain(ids[0]);
      expect(
        await knex('ci_segment_pending')
          .count({ n: '*' })
          .first()
          .then((r: any) => Number(r.n))
      ).toBe(0);
      expect(await exits()).toBe(1);
      await segmentsService(app.strapi).applyPendingChanges();
      expect(await exits()).toBe(1);
    } finally {
      config({ changeDebounceMs: 500 });
      await app.strapi.db.query('api::customer.customer').update({ where: { id: ids[0] }, data: { stage: 'signed' } });
      await metrics.drain();
      await segmentsService(app.strapi).idle();
    }
    expect(await currentMembers(app.strapi, signed.id)).toContain(ids[0]);
  });

  it('diffs a full run against the previous one when changes bypass the trigger', async () => {
    // Direct SQL bypasses lifecycles and the trigger: only the full run sees it.
    await app.strapi.db.connection('customers').where('id', ids[2]).update({ stage: 'signed' });
    await app.strapi.db.connection('customers').where('id', ids[3]).update({ stage: 'application' });
    const run = (await call('POST', `/api/crm/segments/${signed.key}/run`, {})).body.data;
    expect(run).toMatchObject({ status: 'success', customerCount: 3, changes: { added: 1, removed: 1, kept: 2 } });
    const added = await call('GET', `/api/segments/results/${run.executionId}/customers?change=added`);
    expect(added.body.data.map((c: any) => c.id)).toEqual([ids[2]]);
    const removed = await call('GET', `/api/segments/results/${run.executionId}/customers?change=removed`);
    expect(removed.body.data.map((c: any) => c.id)).toEqual([ids[3]]);
    const kept = await call('GET', `/api/segments/results/${run.executionId}/customers?change=kept&pageSize=1&page=2`);
    expect(kept.body.meta.pagination.total).toBe(2);
    expect(kept.body.data).toHaveLength(1);
    const one = await call('GET', `/api/segments/results/${run.executionId}`);
    expect(one.body.data).toEqual(run);
    const list = await call('GET', `/api/segments/results?segment=${signed.key}`);
    expect(list.body.data[0].executionId).toBe(run.executionId);
    expect(list.body.data.every((r: any) => r.segmentId === signed.id)).toBe(true);
    const events = await app.strapi.db.connection('ci_segment_events').where({ segment_id: signed.id, run_id: run.runId }).select('customer_id', 'kind');
    expect(events.map((e: any) => [Number(e.customer_id), e.kind]).sort()).toEqual(
      [
        [ids[2], 'enter'],
        [ids[3], 'exit'],
      ].sort()
    );
    const row = await app.strapi.db.connection('segments').where('id', signed.id).first();
    expect(Number(row.member_count)).toBe(3);
    expect(row.last_calculated_at).not.toBeNull();
  });

  it('exports a result as streamed CSV', async () => {
    const run = (await call('GET', `/api/segments/results?segment=${signed.key}`)).body.data[0];
    const res = await call('POST', `/api/segments/results/${run.executionId}/export`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = String(res.body).trim().split('\n');
    expect(lines[0]).toBe('ID,Document ID,Name,Region,Stage,Lead source,Total spent (CNY),Paid orders,Last order');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(await currentMembers(app.strapi, signed.id));
  });

  it('exports for its reader: a UTF-8 BOM, column labels, translated codes, dates in their language and time zone', async () => {
    const run = (await call('GET', `/api/segments/results?segment=${signed.key}`)).body.data[0];
    const exportAs = async (query: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${app.url}/api/segments/results/${run.executionId}/export${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const rows = (bytes: Buffer) => bytes.subarray(3).toString('utf8').trim().split('\n');
    const zhHans = await exportAs('?locale=zh-Hans&timeZone=Asia/Shanghai');
    expect(zhHans.status).toBe(200);
    // Excel needs the byte order mark to read UTF-8.
    expect([...zhHans.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...members] = rows(zhHans.bytes);
    expect(header).toBe('ID,文档 ID,姓名,地区,阶段,线索来源,累计消费（元）,已付订单,最近订单');
    const stages = ['咨询', '申请中', '已签约', '服务中', '已流失'];
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((l) => stages.includes(l.split(',')[4]))).toBe(true);
    // A's last paid order, at UTC+8, written yyyy/MM/dd HH:mm.
    const a = members.map((l) => l.split(',')).find((cells) => cells[2] === 'A')!;
    const last = readDate((await app.strapi.db.connection('ci_customer_metrics').where({ customer_id: ids[0] }).first()).last_order_at)!;
    const shanghai = new Date(last.getTime() + 8 * 3_600_000).toISOString();
    expect(a[8]).toBe(`${shanghai.slice(0, 4)}/${shanghai.slice(5, 7)}/${shanghai.slice(8, 10)} ${shanghai.slice(11, 16)}`);
    // Without ?locale=, the Accept-Language header decides; Traditional for Taiwan.
    const zh = rows((await exportAs('', { 'accept-language': 'zh-TW,zh;q=0.9' })).bytes);
    expect(zh[0].split(',')[4]).toBe('階段');
    expect(zh.slice(1).every((l) => ['諮詢', '申請中', '已簽約', '服務中', '已流失'].includes(l.split(',')[4]))).toBe(true);
    // A bad parameter is named, nothing is streamed.
    const bad = await exportAs('?timeZone=Mars/Olympus');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.bytes.toString('utf8')).error.details.errors.map((e: { path: string }) => e.path)).toEqual(['/timeZone']);
  });

  it('shows member names to admins without the sensitive-view permission too, in pages and exports', async () => {
    const run = (await call('GET', `/api/segments/results?segment=${signed.key}`)).body.data[0];
    const names = async (token: string) => {
      const admin = client(app, token);
      const page = await admin('GET', `/client-insights/segments/results/${run.executionId}/customers`);
      const current = await admin('GET', `/client-insights/segments/${signed.id}/customers`);
      const csv = await admin('POST', `/client-insights/segments/results/${run.executionId}/export`, {});
      expect([page.status, current.status, csv.status]).toEqual([200, 200, 200]);
      const csvNames = String(csv.body)
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[2]);
      return { page: page.body.data.map((c: any) => c.name), current: current.body.data.map((c: any) => c.name), csv: csvNames };
    };
    const plain = await names(await restrictedSession(app, ['segments.read', 'export', 'sensitive.view']));
    const other = await names(await restrictedSession(app, ['segments.read', 'export']));
    expect(plain.page).toEqual(['A', 'C', 'F']);
    expect(plain.csv).toEqual(plain.page);
    expect(plain.current).toEqual(plain.page);
    expect(other).toEqual(plain);
  });

  it('aborts on timeout and keeps the previous membership', async () => {
    const before = await currentMembers(app.strapi, signed.id);
    const currentRun = await app.strapi.db.connection('ci_segment_current').where('segment_id', signed.id).first();
    await app.strapi.db.connection('customers').where('id', ids[4]).update({ stage: 'signed' });
    config({ timeoutMs: 1 });
    try {
      const res = await call('POST', `/api/segments/rules/${signed.id}/execute`, {});
      expect(res.body.data.status).toBe('failed');
      expect(res.body.data.error).toMatch(/timed out after 1 ms/);
    } finally {
      config({ timeoutMs: 600_000 });
    }
    expect(await currentMembers(app.strapi, signed.id)).toEqual(before);
    expect((await app.strapi.db.connection('ci_segment_current').where('segment_id', signed.id).first()).run_id).toBe(currentRun.run_id);
    const again = await call('POST', `/api/segments/rules/${signed.id}/execute`, {});
    expect(again.body.data).toMatchObject({ status: 'success', changes: { added: 1, removed: 0 } });
    await app.strapi.db.connection('customers').where('id', ids[4]).update({ stage: 'churned' });
  });

  it('skips customers whose facts are pending and marks the run partial; reconciles customers written around Strapi', async () => {
    const knex = app.strapi.db.connection;
    const metrics = app.strapi.plugin('client-insights').service('metrics');
    const [g, h] = await createCustomers(app.strapi, [
      { name: 'G', stage: 'signed' },
      { name: 'H', stage: 'signed' },
    ]);
    // Held, the metrics lock keeps every drain (the writes' own, the once-a-minute one) away.
    const held = await appWithLock(knex, METRICS_LOCK, async () => {
      // G is written and marked, its rollup row not drained yet; H lost its row around Strapi (no mark).
      await knex('ci_customer_metrics').whereIn('customer_id', [g, h]).delete();
      await knex('ci_metrics_dirty').insert({ customer_id: g });
      return (await call('POST', `/api/segments/rules/${signed.id}/execute`, {})).body.data;
    });
    const run = held.acquired ? held.result : null;
    expect(run).toMatchObject({ status: 'partial', skipped: 1 });
    expect((await currentMembers(app.strapi, signed.id)).filter((id) => id === g || id === h)).toEqual([]);
    // The reconcile (at start and hourly) marks H; its drain gives both their rows back.
    expect(sorted(await metrics.reconcile())).toEqual(sorted([g, h]));
    expect(await knex('ci_metrics_dirty').whereIn('customer_id', [g, h])).toEqual([]);
    const complete = (await call('POST', `/api/segments/rules/${signed.id}/execute`, {})).body.data;
    expect(complete).toMatchObject({ status: 'success', skipped: 0, changes: { added: 2 } });
    ids.push(g, h);
  });

  it('keeps only the configured number of member snapshots', async () => {
    config({ retainRuns: 2 });
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push((await call('POST', `/api/segments/rules/${signed.id}/execute`, {})).body.data);
    const knex = app.strapi.db.connection;
    const snapshotRuns = (await knex('ci_segment_members').where('segment_id', signed.id).distinct('run_id').pluck('run_id')).map(Number).sort((a, b) => a - b);
    expect(snapshotRuns).toEqual([runs[1].runId, runs[2].runId]);
    const old = await call('GET', `/api/segments/results/${runs[0].executionId}/customers`);
    expect(old.status).toBe(410);
    expect((await call('GET', `/api/segments/results/${runs[0].executionId}`)).body.data.status).toBe('success');
    config({ retainRuns: 5 });
  });

  it('returns 202 with a queued run that can be polled for phase and progress', async () => {
    const res = await call('POST', `/api/segments/rules/${signed.id}/execute`, { wait: false });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'queued', phase: 'queued', progress: 0 });
    let result = res.body.data;
    for (let i = 0; i < 100 && !['success', 'partial', 'failed'].includes(result.status); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      result = (await call('GET', `/api/segments/results/${res.body.data.executionId}`)).body.data;
    }
    expect(result).toMatchObject({ status: 'success', phase: 'done', progress: 1 });
  });

  it('freezes static segments; only an explicit snapshot changes them', async () => {
    const res = await call('POST', '/api/crm/segments', { name: 'Beijing frozen', type: 'static', rule: region('Beijing') });
    expect(res.status).toBe(201);
    const frozen = res.body.data;
    expect(frozen.currentResult).toMatchObject({ status: 'success', trigger: 'create' });
    const before = await currentMembers(app.strapi, frozen.id);
    expect(before.length).toBe(frozen.currentResult.customerCount);
    const [h] = await createCustomers(app.strapi, [{ name: 'H', stage: 'signed', region: 'Beijing' }]);
    await segmentsService(app.strapi).idle();
    expect(await currentMembers(app.strapi, frozen.id)).toEqual(before);
    const refused = await call('POST', `/api/segments/rules/${frozen.id}/execute`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/static/);
    const scheduled = await call('PUT', `/api/segments/rules/${frozen.id}`, { schedule: 'daily' });
    expect(scheduled.status).toBe(400);
    expect(scheduled.body.error.details.errors[0].path).toBe('/schedule');
    const snap = await call('POST', `/api/segments/rules/${frozen.id}/execute`, { snapshot: true });
    expect(snap.body.data).toMatchObject({ status: 'success', trigger: 'snapshot', changes: { added: 1 } });
    expect(await currentMembers(app.strapi, frozen.id)).toContain(h);
  });

  it('refuses bad input with 400 naming the problem, and stores nothing', async () => {
    const count = async () => Number((await app.strapi.db.connection('segments').count({ n: '*' }).first())!.n);
    const before = await count();
    const badRule = await call('POST', '/api/segments/rules', { name: 'Bad', rule: { '==': [{ var: 'customer.nope' }, 1] } });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.details.errors[0].path).toMatch(/^\/rule\/==\/0/);
    const badCron = await call('POST', '/api/segments/rules', { name: 'Bad cron', rule: stage('signed'), schedule: '61 * * * *' });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error.details.errors).toEqual([{ path: '/schedule', message: expect.stringMatching(/not a valid cron/) }]);
    const badTz = await call('POST', '/api/segments/rules', { name: 'Bad tz', rule: stage('signed'), schedule: 'weekly', timezone: 'Mars/Olympus' });
    expect(badTz.body.error.details.errors[0].path).toBe('/timezone');
    const badField = await call('POST', '/api/segments/rules', { name: 'X', rule: stage('signed'), colour: 'red' });
    expect(badField.status).toBe(400);
    const badPriority = await call('POST', '/api/segments/rules', { name: 'X', rule: stage('signed'), priority: -1 });
    expect(badPriority.body.error.details.errors[0].path).toBe('/priority');
    expect(await count()).toBe(before);
    expect((await call('GET', '/api/segments/rules/does-not-exist')).status).toBe(404);
  });

  it('accepts presets and cron expressions and schedules them', async () => {
    const res = await call('POST', '/api/segments/rules', { name: 'Weekly', rule: stage('signed'), schedule: 'weekly', timezone: 'Asia/Shanghai' });
    expect(res.status).toBe(201);
    expect(res.body.data.schedule).toEqual({ cron: '0 3 * * 1', timezone: 'Asia/Shanghai' });
    const names = app.strapi.plugin('client-insights').service('scheduler').names();
    expect(names).toContain(`segment:${res.body.data.id}`);
    await call('PUT', `/api/segments/rules/${res.body.data.id}`, { schedule: null });
    expect(app.strapi.plugin('client-insights').service('scheduler').names()).not.toContain(`segment:${res.body.data.id}`);
  });

  it("keeps Strapi's own Segment routes working beside the plugin paths", async () => {
    const core = await call('GET', `/api/segments/${signed.documentId}`);
    expect(core.status).toBe(200);
    expect(core.body.data.key).toBe('signed');
    const list = await call('GET', '/api/segments');
    expect(list.status).toBe(200);
    const rules = await call('GET', '/api/segments/rules');
    expect(rules.body.data.map((s: any) => s.key)).toContain('signed');
  });
});
