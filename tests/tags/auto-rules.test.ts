import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { adminSession, pluginCall, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Auto-tag rules applied on their own (modules/tags/auto-*.ts): on data change (only the changed
 * customers, within the change queue's delay, manual assignments untouched), on schedule (once per
 * tick, never two at once), each application logged per tag and audited.
 */
describe('auto-tag rules', () => {
  let app: TestApp;
  let token: string;
  const ids: Record<string, number> = {};
  const tags: Record<string, number> = {};
  /** Every tags.changed announced after commit (the automation inbox's hook sees the same payloads inside the transaction). */
  const announced: Array<{ tagId: number; customerIds: number[] | null; added: number; removed: number }> = [];
  const call = (method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  const knex = () => app.strapi.db.connection;
  const tagRules = () => app.strapi.plugin('client-insights').service('tagRules');
  const assignments = async (tagId: number) =>
    Object.fromEntries(
      (await knex()('ci_customer_tags').where({ tag_id: tagId }).select('customer_id', 'source')).map((r: any) => [Number(r.customer_id), r.source])
    );
  const setStage = (name: string, stage: string) => app.strapi.db.query('api::customer.customer').update({ where: { id: ids[name] }, data: { stage } });
  /** Polls until `check` holds; answers how long it took (ms). */
  const within = async (limitMs: number, check: () => Promise<boolean>) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - started;
  };
  const log = async (tagId: number, query = '') => (await call('GET', `/tags/${tagId}/rule-log${query}`)).body.data as any[];
  // The change queue's delay (segments.changeDebounceMs, 500 ms by default) plus room for a busy machine.
  const DELAY = 500 + 8000;

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await adminSession(app);
    app.strapi
      .plugin('client-insights')
      .service('events')
      .on('tags.changed', (change: any) => void announced.push(change));
    for (const [name, stage] of [
      ['Ann', 'signed'],
      ['Bo', 'consultation'],
      ['Cai', 'consultation'],
      ['Dai', 'signed'],
    ]) {
      ids[name] = Number((await app.strapi.documents('api::customer.customer').create({ data: { name, stage } as any })).id);
    }
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await tagRules().idle();
    const signed = await call('POST', '/tags', { name: 'Signed', slug: 'signed', category: 'basic', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } });
    expect(signed.status).toBe(201);
    tags.signed = signed.body.data.id;
    // Reads the other rule's tag: applied after it in the same pass.
    const follow = await call('POST', '/tags', { name: 'Follow', slug: 'follow', category: 'behavior', rule: { has_tag: ['signed'] } });
    tags.follow = follow.body.data.id;
    // Manual assignments of the rule tag: Cai (does not match) and Dai (matches).
    for (const name of ['Cai', 'Dai']) expect((await call('POST', `/customers/${ids[name]}/tags`, { tagId: tags.signed })).status).toBeLessThan(300);
  });
  afterAll(async () => app?.stop());

  it('tags a customer whose data changed, within the change queue’s delay, and only that customer', async () => {
    await setStage('Bo', 'signed');
    const ms = await within(DELAY, async () => (await assignments(tags.follow))[ids.Bo] === 'rule');
    expect(ms).toBeLessThan(DELAY);
    const signed = await assignments(tags.signed);
    expect(signed[ids.Bo]).toBe('rule');
    // Ann matches too but her data did not change: only a run over everyone (schedule, manual) tags her.
    expect(signed[ids.Ann]).toBeUndefined();
    expect(signed[ids.Cai]).toBe('manual');
    expect(signed[ids.Dai]).toBe('manual');
    // Automation sees the customers named (tag.applied): one announcement per tag, naming Bo.
    const added = () => announced.filter((c) => c.added > 0 && c.customerIds?.includes(ids.Bo));
    // Listeners hear it just after the commit the poll above saw.
    await within(2000, async () => added().length >= 2);
    expect(
      added()
        .map((c) => c.tagId)
        .sort()
    ).toEqual([tags.signed, tags.follow].sort());
    expect(added().every((c) => c.customerIds!.length === 1)).toBe(true);
    const [line] = await log(tags.signed);
    expect(line).toMatchObject({ trigger: 'data-change', customers: 1, matched: 1, added: 1, removed: 0 });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('removes only rule-given assignments when data changes; manual ones stay', async () => {
    await setStage('Bo', 'churned');
    await setStage('Dai', 'churned');
    await within(DELAY, async () => (await assignments(tags.follow))[ids.Bo] === undefined);
    const signed = await assignments(tags.signed);
    expect(signed[ids.Bo]).toBeUndefined();
    expect(signed[ids.Dai]).toBe('manual');
    await within(2000, async () => announced.filter((c) => c.removed > 0).length >= 2);
    const removed = announced.filter((c) => c.removed > 0);
    expect(removed.map((c) => [c.tagId, c.customerIds])).toEqual(expect.arrayContaining([[tags.signed, [ids.Bo]]]));
    expect(removed.map((c) => c.tagId).sort()).toEqual([tags.signed, tags.follow].sort());
    expect((await log(tags.signed))[0]).toMatchObject({ trigger: 'data-change', matched: 0, added: 0, removed: 1 });
    const audit = await knex()('ci_audit_log').where('action', 'tag rules (data-change)').count({ n: '*' }).first();
    expect(Number(audit!.n)).toBeGreaterThanOrEqual(2);
  });

  it('runs every rule on the schedule as one job per tick, logged and audited, never two at once', async () => {
    expect(app.strapi.plugin('client-insights').service('scheduler').names()).toContain('tags:rules');
    const tick = new Date('2026-01-02T03:00:00Z');
    const jobId = await tagRules().runScheduled(tick);
    expect(jobId).toEqual(expect.any(Number));
    expect((await call('GET', `/jobs/${jobId}`)).body.data).toMatchObject({ kind: 'tags.rule', status: 'success' });
    // The same tick again (a second node whose timer fired late) runs nothing.
    expect(await tagRules().runScheduled(tick)).toBeNull();
    const signed = await assignments(tags.signed);
    expect(signed[ids.Ann]).toBe('rule');
    expect(signed[ids.Cai]).toBe('manual');
    expect((await assignments(tags.follow))[ids.Ann]).toBe('rule');
    expect((await log(tags.signed, '?trigger=schedule'))[0]).toMatchObject({ trigger: 'schedule', customers: null, matched: 1, added: 1, removed: 0 });
    const audit = await knex()('ci_audit_log').where('action', 'tag rules (schedule)').first();
    expect(JSON.parse(audit.details).jobId).toBe(jobId);
    // A scheduled run still going (alive heartbeat) makes the next tick skip.
    const now = bindDate(knex(), new Date());
    await knex()('ci_jobs').insert({
      kind: 'tags.rule',
      status: 'running',
      phase: 'assigning',
      progress: 0,
      params: JSON.stringify({ schedule: 'x' }),
      created_at: now,
      heartbeat_at: now,
    });
    expect(await tagRules().runScheduled(new Date('2026-01-03T03:00:00Z'))).toBeNull();
    await knex()('ci_jobs')
      .where('params', JSON.stringify({ schedule: 'x' }))
      .update({ status: 'failed' });
  });

  it('logs a manual run and answers the log newest first, limited', async () => {
    const started = await call('POST', `/tags/${tags.signed}/run-rule`);
    expect(started.status).toBe(202);
    await within(10_000, async () => !['queued', 'running'].includes((await call('GET', `/jobs/${started.body.data.id}`)).body.data.status));
    const lines = await log(tags.signed);
    expect(lines[0]).toMatchObject({ trigger: 'manual', matched: 1, added: 0, removed: 0 });
    expect(lines.map((l) => l.id)).toEqual([...lines.map((l) => l.id)].sort((a, b) => b - a));
    expect(await log(tags.signed, '?limit=2')).toHaveLength(2);
    expect((await call('GET', `/tags/${tags.signed}`)).body.data.lastRun).toMatchObject({ matched: 1, added: 0, removed: 0 });
  });

  it('applies a rule that reads its own tag once per change: no loop', async () => {
    const flip = await call('POST', '/tags', { name: 'Flip', slug: 'flip', category: 'behavior' });
    tags.flip = flip.body.data.id;
    expect((await call('PUT', `/tags/${tags.flip}`, { rule: { '!': [{ has_tag: ['flip'] }] } })).status).toBe(200);
    await setStage('Cai', 'application');
    await within(DELAY, async () => (await assignments(tags.flip))[ids.Cai] === 'rule');
    await tagRules().idle();
    const before = await log(tags.flip);
    // Two more debounce delays: a pass that fed itself would have flipped the tag off again.
    await new Promise((r) => setTimeout(r, 1500));
    await tagRules().idle();
    expect(await log(tags.flip)).toEqual(before);
    expect(before).toHaveLength(1);
    expect((await assignments(tags.flip))[ids.Cai]).toBe('rule');
    expect(Number((await knex()('ci_tag_rule_pending').count({ n: '*' }).first())!.n)).toBe(0);
  });

  it('refuses bad log queries with 4xx naming the parameter', async () => {
    for (const [query, path] of [
      ['?limit=0', '/limit'],
      ['?limit=201', '/limit'],
      ['?limit=ten', '/limit'],
      ['?trigger=cron', '/trigger'],
      ['?since=1', ''],
    ]) {
      const res = await call('GET', `/tags/${tags.signed}/rule-log${query}`);
      expect(res.status).toBe(400);
      if (path) expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(path);
    }
    expect((await call('GET', '/tags/999999/rule-log')).status).toBe(404);
    expect((await call('GET', '/tags/abc/rule-log')).status).toBe(400);
  });
});
