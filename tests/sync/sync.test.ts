import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { Webhook } from 'standardwebhooks';
import { startReceiver } from '../automation-channels/receiver';
import { SERVER } from '../helpers/databases';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Sync to a second real PostgreSQL database (and a MariaDB one), a local HTTP receiver (signatures verified) and a
 * file drop. Each run is killed mid-way (after k batches, or by the receiver refusing a batch),
 * resumed, and the destination compared with the source by querying both independently; then 1%
 * of the source changes and only that is sent, and removed tags and memberships are deleted there.
 */
describe('sync to a warehouse, a webhook and a file drop', () => {
  let app: TestApp;
  let admin: string;
  let target: Knex;
  let server: Knex;
  const TARGET_DB = `ci_sync_target_${process.pid}`;
  const PASSWORD = `pw-${crypto.randomBytes(6).toString('hex')}`;
  const N = 100;
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-sync-files-'));
  const sync = () => app.strapi.plugin('client-insights').service('sync') as any;
  const knex = () => app.strapi.db.connection;
  const stamp = (ms: number) => (app.db.client === 'sqlite' ? ms : new Date(ms));

  const call = async (token: string, method: string, url: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.clone().text(), body: (await res.json().catch(() => null)) as any };
  };

  /** The source as the test reads it: scores, tags and current memberships, by key, from the tables directly. */
  const source = async () => {
    const scores = await knex()('ci_customer_scores').select('customer_id', 'clv', 'quadrant');
    const tags = await knex()('ci_customer_tags').select('customer_id', 'tag_id');
    const members = await knex()('ci_segment_members as m')
      .join('ci_segment_current as c', function () {
        this.on('c.segment_id', 'm.segment_id').andOn('c.run_id', 'm.run_id');
      })
      .select('m.segment_id', 'm.customer_id');
    return {
      scores: Object.fromEntries(scores.map((r: any) => [r.customer_id, [Number(r.clv), r.quadrant]])),
      tags: tags.map((r: any) => `${r.customer_id}:${r.tag_id}`).sort(),
      members: members.map((r: any) => `${r.segment_id}:${r.customer_id}`).sort(),
    };
  };
  const warehouse = async () => {
    const scores = await target('ci_sync_customer_scores').select('customer_id', 'clv', 'quadrant');
    const tags = await target('ci_sync_customer_tags').select('customer_id', 'tag_id');
    const members = await target('ci_sync_segment_members').select('segment_id', 'customer_id');
    return {
      scores: Object.fromEntries(scores.map((r: any) => [r.customer_id, [Number(r.clv), r.quadrant]])),
      tags: tags.map((r: any) => `${r.customer_id}:${r.tag_id}`).sort(),
      members: members.map((r: any) => `${r.segment_id}:${r.customer_id}`).sort(),
    };
  };
  /** A destination's state rebuilt from batches (webhook bodies or files) applied in order. */
  const replay = (batches: { kind: string; upserts: any[]; deletes: any[] }[]) => {
    const state = { scores: new Map<string, unknown>(), tags: new Set<string>(), members: new Set<string>() };
    for (const b of batches) {
      if (b.kind === 'scores') {
        for (const d of b.deletes) state.scores.delete(String(d.customer_id));
        for (const u of b.upserts) state.scores.set(String(u.customer_id), [Number(u.clv), u.quadrant]);
      } else {
        const set = b.kind === 'tags' ? state.tags : state.members;
        const key = (r: any) => (b.kind === 'tags' ? `${r.customer_id}:${r.tag_id}` : `${r.segment_id}:${r.customer_id}`);
        for (const d of b.deletes) set.delete(key(d));
        for (const u of b.upserts) set.add(key(u));
      }
    }
    return { scores: Object.fromEntries(state.scores), tags: [...state.tags].sort(), members: [...state.members].sort() };
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    app.strapi.config.set('plugin::client-insights.sync.fileRoot', fileRoot);
    server = knexFactory({ client: 'pg', connection: { ...SERVER.postgres, database: SERVER.postgres.adminDb } });
    await server.raw(`drop database if exists ${TARGET_DB}`);
    await server.raw(`create database ${TARGET_DB}`);
    target = knexFactory({ client: 'pg', connection: { ...SERVER.postgres, database: TARGET_DB } });
    const k = knex();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 1; i <= N; i++) {
      await k('customers').insert({ document_id: `c${i}`, name: `Customer ${i}`, created_at: stamp(t0), updated_at: stamp(t0), published_at: stamp(t0) });
    }
    const ids: number[] = (await k('customers').orderBy('id').select('id')).map((r: any) => Number(r.id));
    for (const name of ['vip', 'new', 'risk'])
      await k('tags').insert({ document_id: name, name, created_at: stamp(t0), updated_at: stamp(t0), published_at: stamp(t0) });
    const tagIds: number[] = (await k('tags').orderBy('id').select('id')).map((r: any) => Number(r.id));
    await k('ci_segment_current').insert([
      { segment_id: 1, run_id: 11, updated_at: stamp(t0) },
      { segment_id: 2, run_id: 21, updated_at: stamp(t0) },
    ]);
    for (const [n, id] of ids.entries()) {
      await k('ci_customer_scores').insert({
        customer_id: id,
        r: 1 + (n % 5),
        f: 2,
        m: 3,
        rfm: 1.5,
        clv: 100 + n,
        quadrant: n % 2 ? 'potential' : 'high_value',
        calculated_at: stamp(t0),
      });
      for (const tag of tagIds.slice(0, n % 3))
        await k('ci_customer_tags').insert({ customer_id: id, tag_id: tag, source: 'manual', created_at: stamp(t0 + n) });
      if (n % 2 === 0) await k('ci_segment_members').insert({ segment_id: 1, run_id: 11, customer_id: id });
      if (n % 3 === 0) await k('ci_segment_members').insert({ segment_id: 2, run_id: 21, customer_id: id });
      // An old run's members: not current, never synced.
      await k('ci_segment_members').insert({ segment_id: 2, run_id: 20, customer_id: id });
    }
    // Logged in last: a kept-alive connection idle through the seeding would be reset by the server.
    admin = await adminSession(app);
  }, 180_000);

  afterAll(async () => {
    await target?.destroy();
    await server?.raw(`drop database if exists ${TARGET_DB} with (force)`);
    await server?.destroy();
    fs.rmSync(fileRoot, { recursive: true, force: true });
    await app?.stop();
  });

  let warehouseId: number;
  it('creates a warehouse destination: the password is stored encrypted and never answered', async () => {
    const created = await call(admin, 'POST', '/sync/destinations', {
      type: 'warehouse',
      name: 'Scratch warehouse',
      config: { client: 'postgres', host: SERVER.postgres.host, port: SERVER.postgres.port, database: TARGET_DB, user: SERVER.postgres.user },
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    warehouseId = created.body.data.id;
    expect(created.body.data).toMatchObject({ type: 'warehouse', hasSecret: true, cron: '0 3 * * *', timezone: 'UTC', enabled: true });
    expect(created.text).not.toContain(PASSWORD);
    const stored = await knex()('ci_sync_destinations').where({ id: warehouseId }).first();
    expect(stored.secret).toMatch(/^enc:/);
    expect(stored.secret).not.toContain(PASSWORD);
    const listed = await call(admin, 'GET', '/sync/destinations');
    expect(listed.text).not.toContain(PASSWORD);
    const audit = JSON.stringify(await knex()('ci_audit_log').select());
    expect(audit).toContain('/sync/destinations');
    expect(audit).not.toContain(PASSWORD);
  });

  it('killed after 3 batches, the resumed run continues from the last committed batch; then the warehouse equals the source', async () => {
    const killed = await sync().runNow(warehouseId, { pageSize: 10, failAfterBatches: 3 });
    expect(killed).toMatchObject({ status: 'failed', batches: 3, attempts: 1 });
    expect(killed.sent).toBe(30);
    expect((await warehouse()).scores).not.toEqual((await source()).scores);
    const resumed = await sync().runNow(warehouseId, { pageSize: 10 });
    expect(resumed).toMatchObject({ id: killed.id, status: 'success', attempts: 2, rejected: 0 });
    const expected = await source();
    expect(resumed.sent).toBe(N + expected.tags.length + expected.members.length);
    expect(await warehouse()).toEqual(expected);
    expect(expected.members.length).toBeGreaterThan(0);
    // Nothing changed: the next run sends nothing.
    const idle = await sync().runNow(warehouseId, { pageSize: 10 });
    expect(idle).toMatchObject({ status: 'success', sent: 0, deleted: 0, batches: 0 });
  }, 120_000);

  it('an incremental run after 1% changed sends only those, and removed tags and memberships are deleted there', async () => {
    const [first] = await knex()('ci_customer_scores').orderBy('customer_id').limit(1).select('customer_id');
    await knex()('ci_customer_scores').where({ customer_id: first.customer_id }).update({ clv: 9999.5, quadrant: 'dormant' });
    const tag = await knex()('ci_customer_tags').orderBy(['customer_id', 'tag_id']).first();
    await knex()('ci_customer_tags').where({ customer_id: tag.customer_id, tag_id: tag.tag_id }).delete();
    const member = await knex()('ci_segment_members').where({ segment_id: 1, run_id: 11 }).orderBy('customer_id').first();
    await knex()('ci_segment_members').where(member).delete();
    const run = await sync().runNow(warehouseId, { pageSize: 10 });
    expect(run).toMatchObject({ status: 'success', sent: 1, deleted: 2 });
    expect(await warehouse()).toEqual(await source());
    const row = await target('ci_sync_customer_scores').where({ customer_id: first.customer_id }).first();
    expect(Number(row.clv)).toBe(9999.5);
  }, 60_000);

  it('a full reload empties the warehouse and sends everything again', async () => {
    await target('ci_sync_customer_tags').insert({ customer_id: 999999, tag_id: 1, synced_at: new Date() });
    const run = await sync().runNow(warehouseId, { mode: 'full', pageSize: 25 });
    const expected = await source();
    expect(run).toMatchObject({ status: 'success', mode: 'full', sent: N + expected.tags.length + expected.members.length });
    expect(await warehouse()).toEqual(expected);
  }, 60_000);

  it('a MariaDB warehouse gets the same tables and rows', async () => {
    const mysqlName = `ci_sync_target_${process.pid}`;
    const mysqlServer = knexFactory({ client: 'mysql2', connection: { ...SERVER.mysql } });
    await mysqlServer.raw(`drop database if exists ${mysqlName}`);
    await mysqlServer.raw(`create database ${mysqlName}`);
    const mysqlTarget = knexFactory({ client: 'mysql2', connection: { ...SERVER.mysql, database: mysqlName } });
    try {
      const created = await call(admin, 'POST', '/sync/destinations', {
        type: 'warehouse',
        name: 'MariaDB',
        config: { client: 'mysql', host: SERVER.mysql.host, port: SERVER.mysql.port, database: mysqlName, user: SERVER.mysql.user },
      });
      expect(created.status).toBe(201);
      expect(created.body.data.hasSecret).toBe(false);
      const run = await sync().runNow(created.body.data.id, { pageSize: 40 });
      expect(run.status).toBe('success');
      const expected = await source();
      const scores = await mysqlTarget('ci_sync_customer_scores').select('customer_id', 'clv', 'quadrant');
      expect(Object.fromEntries(scores.map((r: any) => [r.customer_id, [Number(r.clv), r.quadrant]]))).toEqual(expected.scores);
      const members = await mysqlTarget('ci_sync_segment_members').select('segment_id', 'customer_id');
      expect(members.map((r: any) => `${r.segment_id}:${r.customer_id}`).sort()).toEqual(expected.members);
      expect(Number((await mysqlTarget('ci_sync_customer_tags').count({ n: '*' }).first())!.n)).toBe(expected.tags.length);
      // Applied twice (a full reload over the same rows), nothing doubles.
      expect((await sync().runNow(created.body.data.id, { mode: 'full', pageSize: 40 })).status).toBe('success');
      expect(Number((await mysqlTarget('ci_sync_customer_tags').count({ n: '*' }).first())!.n)).toBe(expected.tags.length);
    } finally {
      await mysqlTarget.destroy();
      await mysqlServer.raw(`drop database if exists ${mysqlName}`);
      await mysqlServer.destroy();
    }
  }, 60_000);

  it('a webhook receives signed batches; refused mid-way, the resumed run sends the same batch id again; replayed, it equals the source', async () => {
    const receiver = await startReceiver();
    try {
      const created = await call(admin, 'POST', '/sync/destinations', { type: 'webhook', name: 'Receiver', config: { url: `${receiver.url}/sync` } });
      expect(created.status).toBe(201);
      const secret: string = created.body.data.secret;
      expect(secret).toMatch(/^whsec_/);
      const id = created.body.data.id;
      expect((await call(admin, 'GET', '/sync/destinations')).text).not.toContain(secret);
      // The fourth batch is refused (a permanent 4xx): the run stops there.
      receiver.answer({ status: 200 }, { status: 200 }, { status: 200 }, { status: 422 });
      app.strapi.config.set('plugin::client-insights.sync.pageSize', 20);
      const started = await call(admin, 'POST', `/sync/destinations/${id}/run`, {});
      expect(started.status).toBe(202);
      const wait = async (jobId: number) => {
        for (;;) {
          const job = await call(admin, 'GET', `/jobs/${jobId}`);
          if (!['queued', 'running'].includes(job.body.data.status)) return job.body.data;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      expect((await wait(started.body.data.id)).status).toBe('failed');
      const failedRuns = await call(admin, 'GET', `/sync/destinations/${id}/runs`);
      expect(failedRuns.body.data[0]).toMatchObject({ status: 'failed', batches: 3, error: 'the webhook answered 422' });
      const refusedId = receiver.received[3].headers['webhook-id'];
      const resumed = await call(admin, 'POST', `/sync/destinations/${id}/run`, {});
      expect((await wait(resumed.body.data.id)).status).toBe('success');
      expect(receiver.received[4].headers['webhook-id']).toBe(refusedId);
      const wh = new Webhook(secret);
      const bodies = receiver.received.filter((_, i) => i !== 3).map((r) => wh.verify(r.body, r.headers as Record<string, string>) as any);
      expect(new Set(bodies.map((b) => b.batchId)).size).toBe(bodies.length);
      expect(replay(bodies)).toEqual(await source());
      // A tampered body fails verification.
      expect(() => wh.verify(receiver.received[0].body.replace('scores', 'score5'), receiver.received[0].headers as Record<string, string>)).toThrow();
      const runs = await call(admin, 'GET', `/sync/destinations/${id}/runs`);
      expect(runs.body.data).toHaveLength(1);
      expect(runs.body.data[0]).toMatchObject({ status: 'success', attempts: 2, error: null });
    } finally {
      app.strapi.config.set('plugin::client-insights.sync.pageSize', 5000);
      await receiver.close();
    }
  }, 60_000);

  it('a file drop writes complete files only (temporary name, then rename); replayed, they equal the source', async () => {
    const created = await call(admin, 'POST', '/sync/destinations', { type: 'file', name: 'Drop', config: { folder: 'drop/jsonl', format: 'jsonl' } });
    expect(created.status).toBe(201);
    const killed = await sync().runNow(created.body.data.id, { pageSize: 30, failAfterBatches: 2 });
    expect(killed.status).toBe('failed');
    const run = await sync().runNow(created.body.data.id, { pageSize: 30 });
    expect(run).toMatchObject({ status: 'success', attempts: 2 });
    const folder = path.join(fileRoot, 'drop', 'jsonl');
    const names = fs.readdirSync(folder).sort((a, b) => fs.statSync(path.join(folder, a)).mtimeMs - fs.statSync(path.join(folder, b)).mtimeMs);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const batches = names.map((name) => {
      const lines = fs
        .readFileSync(path.join(folder, name), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const kind = /-(scores|tags|members)-/.exec(name)![1];
      return { kind, upserts: lines.filter((l) => l.op === 'upsert'), deletes: lines.filter((l) => l.op === 'delete') };
    });
    expect(replay(batches)).toEqual(await source());
  }, 60_000);

  it('refuses bad destinations naming the field, and users without sync.manage', async () => {
    const before = await knex()('ci_sync_destinations').count({ n: '*' }).first();
    const cases: [unknown, string][] = [
      [{ type: 'ftp', name: 'x', config: {} }, '/type'],
      [{ type: 'webhook', name: 'x', config: { url: 'not a url' } }, '/config/url'],
      [{ type: 'warehouse', name: 'x', config: { client: 'postgres', host: 'db', user: 'u' } }, '/config/database'],
      [{ type: 'file', name: 'x', config: { folder: '../etc', format: 'csv' } }, '/config/folder'],
      [{ type: 'file', name: 'x', config: { folder: 'a', format: 'csv' }, cron: 'every day' }, '/cron'],
    ];
    for (const [body, pointer] of cases) {
      const refused = await call(admin, 'POST', '/sync/destinations', body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
    }
    const badUpdate = await call(admin, 'PUT', `/sync/destinations/${warehouseId}`, { config: { client: 'oracle' } });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.error.details.errors[0].path).toMatch(/^\/config\//);
    expect((await call(admin, 'POST', '/sync/destinations/999999/run', {})).status).toBe(404);
    expect(await knex()('ci_sync_destinations').count({ n: '*' }).first()).toEqual(before);
    const reader = await restrictedSession(app, ['segments.read', 'reports.read']);
    expect((await call(reader, 'GET', '/sync/destinations')).status).toBe(403);
    expect((await call(reader, 'POST', `/sync/destinations/${warehouseId}/run`, {})).status).toBe(403);
    expect((await call(reader, 'GET', `/sync/destinations/${warehouseId}/runs`)).status).toBe(403);
  }, 60_000);
});
