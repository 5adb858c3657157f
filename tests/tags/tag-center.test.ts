import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

describe('tag center endpoints', () => {
  let app: TestApp;
  let token: string;
  let ids: Record<string, number>;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Runs a tag's rule: 202 with its job, then the job followed at /jobs/:id until it ends. */
  const runRule = async (tagId: number) => {
    const started = await call('POST', `/tags/${tagId}/run-rule`);
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ kind: 'tags.rule', started: true });
    for (;;) {
      const job = await call('GET', `/jobs/${started.body.data.id}`);
      if (!['queued', 'running'].includes(job.body.data.status)) return job.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const assignments = (tagId: number) =>
    app.strapi.db.connection('ci_customer_tags').where({ tag_id: tagId }).orderBy('customer_id').select('customer_id', 'source');

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await adminSession(app);
    const customers = app.strapi.documents('api::customer.customer');
    ids = {};
    for (const [name, stage] of [
      ['Li', 'signed'],
      ['Wang', 'signed'],
      ['Zhang', 'consultation'],
      ['Chen', 'churned'],
    ]) {
      ids[name] = Number((await customers.create({ data: { name, stage } as any })).id);
    }
  });
  afterAll(async () => app?.stop());

  it('creates tags, refusing bad bodies with the field named and writing nothing', async () => {
    const bad = await call('POST', '/tags', { name: 'VIP', category: 'gold' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toBe('/category');
    const badRule = await call('POST', '/tags', { name: 'Broken', category: 'value', rule: { '>': [{ var: 'metrics.nope' }, 1] } });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.details.errors[0].path).toMatch(/^\/rule\//);
    expect(await app.strapi.db.connection('tags').count({ n: '*' }).first()).toMatchObject({ n: expect.anything() });
    expect(Number((await app.strapi.db.connection('tags').count({ n: '*' }).first())!.n)).toBe(0);

    const vip = await call('POST', '/tags', { name: 'VIP', category: 'value' });
    expect(vip.status).toBe(201);
    expect(vip.body.data).toMatchObject({ slug: 'vip', category: 'value', usage: 0 });
    const dup = await call('POST', '/tags', { name: 'VIP', category: 'value' });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.errors[0].path).toBe('/slug');
  });

  it('bulk-applies to an id list and to a segment’s current members, and removes', async () => {
    const { body } = await call('POST', '/tags', { name: 'Follow up', slug: 'follow-up', category: 'behavior' });
    const tagId = body.data.id;
    const applied = await call('POST', `/tags/${tagId}/bulk`, { action: 'apply', customerIds: [ids.Li, ids.Wang, 999999] });
    expect(applied.body.data).toEqual({ affected: 2, missing: [999999] }); // unknown ids are reported
    const again = await call('POST', `/tags/${tagId}/bulk`, { action: 'apply', customerIds: [ids.Li] });
    expect(again.body.data.affected).toBe(0);

    // A segment whose current run holds Zhang and Chen (an older run held Li).
    const segment = await app.strapi
      .documents('api::segment.segment')
      .create({ data: { name: 'Seg', key: 'seg', type: 'dynamic', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } } as any });
    const knex = app.strapi.db.connection;
    await knex('ci_segment_members').insert([
      { segment_id: segment.id, run_id: 1, customer_id: ids.Li },
      { segment_id: segment.id, run_id: 2, customer_id: ids.Zhang },
      { segment_id: segment.id, run_id: 2, customer_id: ids.Chen },
    ]);
    const isSqlite = app.strapi.db.dialect.client.includes('sqlite');
    await knex('ci_segment_current').insert({ segment_id: segment.id, run_id: 2, updated_at: isSqlite ? Date.now() : new Date() });
    const bySegment = await call('POST', `/tags/${tagId}/bulk`, { action: 'apply', segment: 'seg' });
    expect(bySegment.body.data.affected).toBe(2);
    expect((await assignments(tagId)).map((r: any) => Number(r.customer_id))).toEqual([ids.Li, ids.Wang, ids.Zhang, ids.Chen].sort((a, b) => a - b));

    const list = await call('GET', '/tags');
    expect(list.body.data.find((t: any) => t.id === tagId).usage).toBe(4);

    const removed = await call('POST', `/tags/${tagId}/bulk`, { action: 'remove', segment: segment.id });
    expect(removed.body.data.affected).toBe(2);
    expect((await assignments(tagId)).map((r: any) => Number(r.customer_id))).toEqual([ids.Li, ids.Wang]);

    const neither = await call('POST', `/tags/${tagId}/bulk`, { action: 'apply' });
    expect(neither.status).toBe(400);
    expect(neither.body.error.details.errors[0].path).toBe('/segment');
  });

  it('does not count expired assignments', async () => {
    const { body } = await call('POST', '/tags', { name: 'Trial', category: 'basic' });
    await call('POST', `/tags/${body.data.id}/bulk`, { action: 'apply', customerIds: [ids.Li], expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await call('POST', `/tags/${body.data.id}/bulk`, { action: 'apply', customerIds: [ids.Wang], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await call('GET', `/tags/${body.data.id}`)).body.data.usage).toBe(1);
  });

  it('merges two tags by moving assignments, keeping one per customer, then deletes the source', async () => {
    const a = (await call('POST', '/tags', { name: 'Hot lead', category: 'behavior' })).body.data;
    const b = (await call('POST', '/tags', { name: 'Warm lead', category: 'behavior' })).body.data;
    await call('POST', `/tags/${a.id}/bulk`, { action: 'apply', customerIds: [ids.Li, ids.Zhang] });
    await call('POST', `/tags/${b.id}/bulk`, { action: 'apply', customerIds: [ids.Zhang, ids.Chen] });
    const same = await call('POST', '/tags/merge', { source: a.id, target: a.id });
    expect(same.status).toBe(400);
    const merged = await call('POST', '/tags/merge', { source: a.id, target: b.id });
    expect(merged.status).toBe(200);
    expect(merged.body.data.moved).toBe(1);
    expect(merged.body.data.target.usage).toBe(3);
    expect(await assignments(a.id)).toEqual([]);
    expect((await call('GET', `/tags/${a.id}`)).status).toBe(404);
  });

  it('runs an auto rule: adds matches, removes rule-given tags of non-matches, leaves manual ones', async () => {
    const tag = (await call('POST', '/tags', { name: 'Signed', category: 'basic', rule: { '==': [{ var: 'customer.stage' }, 'signed'] } })).body.data;
    await call('POST', `/tags/${tag.id}/bulk`, { action: 'apply', customerIds: [ids.Chen] }); // manual
    const first = await runRule(tag.id);
    expect(first).toMatchObject({ status: 'success', phase: 'done', progress: 1 });
    expect(first.result).toMatchObject({ matched: 2, added: 2, removed: 0 });
    await app.strapi.db.connection('customers').where({ id: ids.Wang }).update({ stage: 'in_service' });
    const second = await runRule(tag.id);
    expect(second.result).toMatchObject({ matched: 1, added: 0, removed: 1 });
    expect((await assignments(tag.id)).map((r: any) => [Number(r.customer_id), r.source])).toEqual(
      [
        [ids.Li, 'rule'],
        [ids.Chen, 'manual'],
      ].sort((x, y) => (x[0] as number) - (y[0] as number))
    );
    const shown = await call('GET', `/tags/${tag.id}`);
    expect(shown.body.data.lastRun).toMatchObject({ matched: 1, removed: 1 });
    const manualOnly = (await call('POST', '/tags', { name: 'Manual', category: 'basic' })).body.data;
    expect((await call('POST', `/tags/${manualOnly.id}/run-rule`)).status).toBe(400);
  });

  it('gives a tag and a segment named only in Chinese a valid generated key', async () => {
    const tag = await call('POST', '/tags', { name: '奖学金意向', category: 'behavior' });
    expect(tag.status).toBe(201);
    expect(tag.body.data.slug).toMatch(/^tag-[0-9a-z]+$/);
    expect(await app.strapi.db.connection('tags').where({ slug: tag.body.data.slug }).first()).toBeTruthy();
    const again = await call('POST', '/tags', { name: '奖学金意向', category: 'behavior' });
    expect(again.status).toBe(400);
    expect(again.body.error.details.errors[0].path).toBe('/slug');

    const rule = { '==': [{ var: 'customer.stage' }, 'signed'] };
    const first = await call('POST', '/segments', { name: '高潜力客户', rule });
    const second = await call('POST', '/segments', { name: '流失预警', rule });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.data.key).toMatch(/^segment-[0-9a-z]+$/);
    expect(second.body.data.key).toMatch(/^segment-[0-9a-z]+$/);
    expect(second.body.data.key).not.toBe(first.body.data.key);
  });
});
