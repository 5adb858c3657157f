import { ACTIONS } from '../../plugins/client-insights/shared/permissions';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { HOST_TABLES } from '../../plugins/client-insights/server/src/core/db/tables';
import { recomputePrimary } from '../../plugins/client-insights/server/src/modules/segments/priority';
import { client, createCustomers, currentMembers, region, segmentsService, sorted, stage } from './helpers';

/** Priority, hierarchy, visibility, concurrency and the data-change trigger. */
describe('segment structure', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  let ids: number[];
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/segments/rules', { execute: true, ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    call = client(app, await apiToken(app));
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed', region: 'Beijing' },
      { name: 'B', stage: 'signed', region: 'Shanghai' },
      { name: 'C', stage: 'in_service', region: 'Beijing' },
      { name: 'D', stage: 'consultation', region: 'Beijing' },
      { name: 'E', stage: 'in_service', region: 'Shenzhen' },
    ]);
  });
  afterAll(async () => app?.stop());

  it('gives each customer one primary segment: lowest priority number, ties by lowest id', async () => {
    const beijing = await create({ name: 'Beijing', rule: region('Beijing'), priority: 20 });
    const signedSeg = await create({ name: 'Signed P', rule: stage('signed'), priority: 10 });
    const tie = await create({ name: 'In service', rule: stage('in_service'), priority: 20 });
    const res = await call('GET', `/api/segments/primary?customerIds=${ids.join(',')}`);
    expect(res.status).toBe(200);
    const primary = Object.fromEntries(res.body.data.map((p: any) => [p.customerId, p.segment?.key ?? null]));
    expect(primary).toEqual({
      [ids[0]]: signedSeg.key, // Beijing 20 vs Signed 10
      [ids[1]]: signedSeg.key,
      [ids[2]]: beijing.key, // Beijing 20 vs In service 20: lower id wins
      [ids[3]]: beijing.key,
      [ids[4]]: tie.key,
    });
    // What the runs stored (by customer id, ranked in Node) equals the whole-table SQL ranking.
    const knex = app.strapi.db.connection;
    const stored = () => knex('ci_customer_primary_segment').orderBy('customer_id').select('customer_id', 'segment_id', 'priority');
    const byRuns = await stored();
    await recomputePrimary(knex, HOST_TABLES, 'all');
    expect(await stored()).toEqual(byRuns);
    // Changing a priority recomputes the stored primary segments.
    await call('PUT', `/api/segments/rules/${tie.id}`, { priority: 1 });
    const after = await app.strapi.db.connection('ci_customer_primary_segment').where('customer_id', ids[2]).first();
    expect(Number(after.segment_id)).toBe(tie.id);
    // One row per customer in some active segment, none for others.
    const rows = await app.strapi.db.connection('ci_customer_primary_segment').count({ n: '*' }).first();
    expect(Number(rows!.n)).toBe(5);
    for (const s of [beijing, signedSeg, tie]) await call('DELETE', `/api/segments/rules/${s.id}`);
    expect(Number((await app.strapi.db.connection('ci_customer_primary_segment').count({ n: '*' }).first())!.n)).toBe(0);
  });

  let parent: any;
  let child: any;
  it('makes a child the parent rule AND its own rule, with depth and cycle checks', async () => {
    parent = await create({ name: 'Active', rule: { in: [{ var: 'customer.stage' }, ['signed', 'in_service']] } });
    child = await create({ name: 'Active Beijing', rule: region('Beijing'), parent: parent.id });
    expect(await currentMembers(app.strapi, parent.id)).toEqual(sorted([ids[0], ids[1], ids[2], ids[4]]));
    expect(await currentMembers(app.strapi, child.id)).toEqual(sorted([ids[0], ids[2]])); // D is in Beijing but not active
    // Depth: child is level 2; three more levels fit, a sixth does not.
    let last = child;
    for (let level = 3; level <= 5; level += 1) last = await create({ name: `Level ${level}`, rule: region('Beijing'), parent: last.id, execute: false });
    const tooDeep = await call('POST', '/api/segments/rules', { name: 'Level 6', rule: region('Beijing'), parent: last.id });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error.details.errors[0]).toEqual({ path: '/parent', message: expect.stringMatching(/6 levels deep; at most 5/) });
    // Parent cycle.
    const cycle = await call('PUT', `/api/segments/rules/${parent.id}`, { parent: child.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details.errors[0].message).toMatch(/cycle/);
    // Cycle through in_segment: the parent may not depend on its own child.
    const viaRule = await call('PUT', `/api/segments/rules/${parent.id}`, { rule: { in_segment: [child.key] } });
    expect(viaRule.status).toBe(400);
    expect(viaRule.body.error.details.errors[0].message).toMatch(new RegExp(`cycle.*${child.key}`));
    const x = await create({ name: 'X', rule: stage('signed'), execute: false });
    const y = await create({ name: 'Y', rule: { in_segment: [x.key] }, execute: false });
    const xy = await call('PUT', `/api/segments/rules/${x.id}`, { rule: { in_segment: [y.key] } });
    expect(xy.status).toBe(400);
    expect(xy.body.error.details.errors[0].message).toBe(`segment dependency cycle (parents and in_segment): ${x.key} → ${y.key} → ${x.key}`);
    const unknown = await call('POST', '/api/segments/rules', { name: 'Z', rule: { in_segment: ['nope'] } });
    expect(unknown.status).toBe(400);
    // Deleting a segment others depend on is refused.
    expect((await call('DELETE', `/api/segments/rules/${x.id}`)).status).toBe(409);
    expect((await call('DELETE', `/api/segments/rules/${y.id}`)).status).toBe(200);
    expect((await call('DELETE', `/api/segments/rules/${x.id}`)).status).toBe(200);
    const refused = await call('DELETE', `/api/segments/rules/${parent.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/child segments/);
  });

  it('serves the tree with counts and paths', async () => {
    const res = await call('GET', '/api/segments/tree');
    expect(res.status).toBe(200);
    const root = res.body.data.find((n: any) => n.key === parent.key);
    expect(root).toMatchObject({ memberCount: 4, depth: 1, path: [parent.key] });
    expect(root.children[0]).toMatchObject({ key: child.key, memberCount: 2, depth: 2, path: [parent.key, child.key] });
    expect(root.children[0].children[0].children[0].children[0]).toMatchObject({ depth: 5 });
  });

  it('re-evaluates dynamic segments for changed customers only, after a debounce, with enter/exit events', async () => {
    const knex = app.strapi.db.connection;
    const before = Number((await knex('ci_segment_runs').count({ n: '*' }).first())!.n);
    await app.strapi.documents('api::customer.customer').update({
      documentId: (await app.strapi.db.query('api::customer.customer').findOne({ where: { id: ids[3] } })).documentId,
      data: { stage: 'signed' } as any,
    });
    await app.strapi.documents('api::customer.customer').update({
      documentId: (await app.strapi.db.query('api::customer.customer').findOne({ where: { id: ids[0] } })).documentId,
      data: { region: 'Shanghai' } as any,
    });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await segmentsService(app.strapi).idle();
    expect(await currentMembers(app.strapi, parent.id)).toEqual(sorted([ids[0], ids[1], ids[2], ids[3], ids[4]]));
    expect(await currentMembers(app.strapi, child.id)).toEqual(sorted([ids[2], ids[3]]));
    const events = await knex('ci_segment_events').whereIn('segment_id', [parent.id, child.id]).orderBy('id').select('segment_id', 'customer_id', 'kind');
    const last = events.slice(-3).map((e: any) => [Number(e.segment_id), Number(e.customer_id), e.kind]);
    expect(last).toEqual(
      expect.arrayContaining([
        [parent.id, ids[3], 'enter'],
        [child.id, ids[3], 'enter'],
        [child.id, ids[0], 'exit'],
      ])
    );
    // No full run was needed, and member counts follow.
    expect(Number((await knex('ci_segment_runs').count({ n: '*' }).first())!.n)).toBe(before);
    expect(Number((await knex('segments').where('id', child.id).first()).member_count)).toBe(2);
    // A full run now finds nothing to change: the incremental result equals a clean run's.
    const run = (await call('POST', `/api/segments/rules/${child.id}/execute`, {})).body.data;
    expect(run.changes).toEqual({ added: 0, removed: 0, kept: 2 });
  });

  it('runs 10 executions at once correctly and never the same segment twice at once', async () => {
    const segs = [];
    for (let i = 0; i < 5; i += 1) segs.push(await create({ name: `Par ${i}`, rule: i % 2 ? stage('signed') : region('Beijing'), execute: false }));
    const results = await Promise.all([...segs, ...segs].map((s) => call('POST', `/api/segments/rules/${s.id}/execute`, {})));
    expect(results.map((r) => [r.status, r.body.data?.status, r.body.data?.error ?? null])).toEqual(results.map(() => [200, 'success', null]));
    const knex = app.strapi.db.connection;
    for (const s of segs) {
      const runs = await knex('ci_segment_runs').where('segment_id', s.id).orderBy('executed_at').select('executed_at', 'finished_at');
      expect(runs).toHaveLength(2);
      expect(new Date(runs[1].executed_at).getTime()).toBeGreaterThanOrEqual(new Date(runs[0].finished_at).getTime());
      const expected = sorted(
        (await knex('customers')
          .where(s.rule['=='][0].var === 'customer.stage' ? 'stage' : 'region', s.rule['=='][1])
          .pluck('id')) as number[]
      );
      expect(await currentMembers(app.strapi, s.id)).toEqual(expected);
      const dup = await knex('ci_segment_members').where('segment_id', s.id).groupBy('run_id', 'customer_id').havingRaw('count(*) > 1').select('customer_id');
      expect(dup).toEqual([]);
    }
  });

  it('enforces visibility for admin users (private = owner only, team = shared role, global = all)', async () => {
    const { strapi } = app;
    const roleService = strapi.service('admin::role');
    const makeRole = async (name: string) => {
      const role = await roleService.create({ name, description: name });
      await roleService.assignPermissions(
        role.id,
        ACTIONS.map((a) => ({ action: `plugin::client-insights.${a.uid}`, subject: null, properties: {}, conditions: [] }))
      );
      return role;
    };
    const sales = await makeRole('Sales');
    const ops = await makeRole('Ops');
    const user = async (email: string, roleId: number) => {
      await strapi.service('admin::user').create({ email, firstname: 'U', lastname: 'U', password: 'Secret12345!', isActive: true, roles: [roleId] });
      const res = await fetch(`${app.url}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'Secret12345!' }),
      });
      return client(app, ((await res.json()) as any).data.token);
    };
    const alice = await user('alice@test.local', sales.id);
    const bob = await user('bob@test.local', sales.id);
    const carol = await user('carol@test.local', ops.id);
    const mk = async (visibility: string) => {
      const res = await alice('POST', '/client-insights/segments', { name: `Alice ${visibility}`, rule: stage('signed'), visibility, execute: true });
      expect(res.status).toBe(201);
      return res.body.data;
    };
    const priv = await mk('private');
    const team = await mk('team');
    const glob = await mk('global');
    const keys = async (who: ReturnType<typeof client>) => (await who('GET', '/client-insights/segments?pageSize=500')).body.data.map((s: any) => s.key);
    expect(await keys(alice)).toEqual(expect.arrayContaining([priv.key, team.key, glob.key]));
    expect(await keys(bob)).toEqual(expect.arrayContaining([team.key, glob.key]));
    expect(await keys(bob)).not.toContain(priv.key);
    expect(await keys(carol)).toContain(glob.key);
    expect(await keys(carol)).not.toContain(team.key);
    // The pickers' search: any part of the name, any case, by type, within what the viewer may see.
    const found = async (who: ReturnType<typeof client>, query: string) => {
      const res = await who('GET', `/client-insights/segments?${query}`);
      return { names: res.body.data.map((s: any) => s.name), total: res.body.meta.pagination.total };
    };
    expect(await found(alice, 'q=ALICE%20pri')).toEqual({ names: ['Alice private'], total: 1 });
    expect(await found(bob, 'q=alice')).toEqual({ names: ['Alice team', 'Alice global'], total: 2 });
    expect(await found(alice, 'q=alice&pageSize=1&page=2')).toEqual({ names: ['Alice team'], total: 3 });
    expect(await found(alice, 'q=alice&type=static')).toEqual({ names: [], total: 0 });
    expect((await alice('GET', '/client-insights/segments?type=frozen')).status).toBe(400);
    expect((await bob('GET', `/client-insights/segments/${priv.id}`)).status).toBe(404);
    expect((await bob('POST', `/client-insights/segments/${priv.id}/execute`, {})).status).toBe(404);
    expect((await carol('GET', `/client-insights/segments/${team.id}/customers`)).status).toBe(404);
    expect((await bob('GET', `/client-insights/segments/results/${priv.currentResult.executionId}`)).status).toBe(404);
    expect((await alice('GET', `/client-insights/segments/results/${priv.currentResult.executionId}/customers`)).status).toBe(200);
    // Integrations act for no user: global segments only, unless the token is granted more (tests/security/visibility.test.ts).
    expect((await call('GET', `/api/segments/rules/${priv.id}`)).status).toBe(404);
    expect((await call('GET', `/api/segments/rules/${team.id}`)).status).toBe(404);
    expect((await call('GET', `/api/segments/rules/${glob.id}`)).status).toBe(200);
    const admin = client(app, await adminSession(app));
    expect((await admin('GET', `/client-insights/segments/${priv.id}`)).status).toBe(404);
    // RBAC: without the run permission, execution is forbidden.
    const readOnly = await roleService.create({ name: 'Readers', description: 'r' });
    await roleService.assignPermissions(readOnly.id, [{ action: 'plugin::client-insights.segments.read', subject: null, properties: {}, conditions: [] }]);
    const dave = await user('dave@test.local', readOnly.id);
    expect((await dave('GET', `/client-insights/segments/${glob.id}`)).status).toBe(200);
    expect((await dave('POST', `/client-insights/segments/${glob.id}/execute`, {})).status).toBe(403);
    expect((await dave('POST', '/client-insights/segments', { name: 'no', rule: stage('signed') })).status).toBe(403);
  });

  it('keeps each primary segment right through reruns that add and remove contested members', async () => {
    const knex = app.strapi.db.connection;
    const regions = ['PX-1', 'PX-2', 'PX-3', 'PX-4'];
    const people = await createCustomers(
      app.strapi,
      Array.from({ length: 10 }, (_, i) => ({ name: `PX ${i}`, stage: i % 3 ? 'application' : 'consultation', region: regions[i % 4] }))
    );
    // Their creation's re-evaluation pass done: below, only runs move anyone.
    await segmentsService(app.strapi).idle();
    const within = (...names: string[]) => ({ in: [{ var: 'customer.region' }, names] });
    const segs = [
      await create({ name: 'PX one', rule: within('PX-1'), priority: 5 }),
      await create({ name: 'PX one or two', rule: within('PX-1', 'PX-2'), priority: 10 }),
      await create({ name: 'PX applying', rule: { and: [within('PX-1', 'PX-2', 'PX-3'), stage('application')] }, priority: 20 }),
      await create({ name: 'PX two or three', rule: within('PX-2', 'PX-3'), priority: 20 }),
    ];
    const stored = () => knex('ci_customer_primary_segment').whereIn('customer_id', people).orderBy('customer_id').select('customer_id', 'segment_id');
    // What the runs left against a ranking of every membership from scratch.
    const expectRanked = async () => {
      const byRuns = await stored();
      await recomputePrimary(knex, HOST_TABLES, 'all');
      expect(byRuns).toEqual(await stored());
    };
    const execute = async (segment: { id: number }) => {
      const res = await call('POST', `/api/segments/rules/${segment.id}/execute`, {});
      expect(res.body.data.status).toBe('success');
      return res.body.data;
    };
    await expectRanked();
    // Customers move between regions and stages behind the segments' backs (no data-change
    // trigger), then some segments rerun, in a fixed pseudo-random order.
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 16) % n);
    let changed = 0;
    for (let step = 0; step < 12; step += 1) {
      for (let k = 0; k < 3; k += 1)
        await knex('customers')
          .where('id', people[next(people.length)])
          .update({ region: regions[next(4)], stage: next(2) ? 'application' : 'consultation' });
      for (let k = 0; k < 3; k += 1) {
        const run = await execute(segs[next(segs.length)]);
        changed += run.changes.added + run.changes.removed;
      }
      await expectRanked();
    }
    expect(changed).toBeGreaterThan(20);

    // A run settled late, after a newer run of its segment: customer c entered the top segment in
    // r1 and left it in r2; settling r1 again must not give c back to it.
    const c = people[0];
    await knex('customers').where('id', c).update({ region: 'PX-4' });
    await execute(segs[0]);
    await knex('customers').where('id', c).update({ region: 'PX-1' });
    const r1 = await execute(segs[0]);
    await knex('customers').where('id', c).update({ region: 'PX-2' });
    await execute(segs[0]);
    await execute(segs[1]);
    expect((await stored()).find((r) => Number(r.customer_id) === c)?.segment_id).toBe(segs[1].id);
    const { id: r1Id } = await knex('ci_segment_runs').where('execution_id', r1.executionId).first('id');
    await recomputePrimary(knex, HOST_TABLES, { runId: Number(r1Id) });
    await expectRanked();
    for (const s of segs) await call('DELETE', `/api/segments/rules/${s.id}`);
  });
});
