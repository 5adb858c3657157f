import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, segmentsService, sorted, stage } from './helpers';

const CM = '/content-manager/collection-types/api::segment.segment';
const region = (value: string) => ({ '==': [{ var: 'customer.region' }, value] });
const ordered = { '>=': [{ var: 'metrics.order_count' }, 1] };

/**
 * Segment history: versions from every write path with their author, the diff, restore (and who
 * may), the timeline, and past runs' membership checked against what each run stored.
 */
describe('segment history', () => {
  let app: TestApp;
  let admin: ReturnType<typeof client>;
  let token: ReturnType<typeof client>;
  let adminId: number;
  let tokenId: number;
  let ids: number[];
  let segment: any;

  const versions = async (id: number) => {
    const res = await admin('GET', `/client-insights/segments/${id}/history?pageSize=100`);
    expect(res.status).toBe(200);
    return res.body.data.filter((e: any) => e.kind === 'version').map((e: any) => e.version);
  };
  const latest = async (id: number) => (await versions(id))[0];

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = client(app, await adminSession(app));
    adminId = Number((await app.strapi.db.query('admin::user').findOne({ where: { email: 'admin@test.local' } })).id);
    const key = await apiToken(app);
    token = client(app, key);
    tokenId = Number((await app.strapi.db.query('admin::api-token').findMany({ orderBy: { id: 'desc' }, limit: 1 }))[0].id);
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed', region: 'Beijing', paid: [100] },
      { name: 'B', stage: 'signed', region: 'Shanghai' },
      { name: 'C', stage: 'in_service', region: 'Beijing', paid: [50] },
      { name: 'D', stage: 'consultation', region: 'Beijing' },
      { name: 'E', stage: 'signed', region: 'Beijing' },
    ]);
  });
  afterAll(async () => app?.stop());

  it('records a version for every write path, with its author, and only for real changes', async () => {
    const created = await admin('POST', '/client-insights/segments', { name: 'Signed Beijing', rule: { and: [stage('signed'), region('Beijing')] } });
    expect(created.status).toBe(201);
    segment = created.body.data;
    const v = await versions(segment.id);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ version: 1, source: 'plugin', actor: { type: 'admin', id: adminId, name: 'Test Admin' }, changed: [] });

    // The plugin's route.
    expect((await admin('PUT', `/client-insights/segments/${segment.id}`, { name: 'Signed buyers', rule: { and: [stage('signed'), ordered] } })).status).toBe(
      200
    );
    expect(await latest(segment.id)).toMatchObject({ version: 2, source: 'plugin', actor: { type: 'admin', id: adminId }, changed: ['name', 'rule'] });
    // The same values again: no version.
    expect((await admin('PUT', `/client-insights/segments/${segment.id}`, { name: 'Signed buyers' })).status).toBe(200);
    expect(await versions(segment.id)).toHaveLength(2);

    // The content manager.
    expect((await admin('PUT', `${CM}/${segment.documentId}`, { priority: 7 })).status).toBe(200);
    expect(await latest(segment.id)).toMatchObject({ version: 3, source: 'content-manager', actor: { type: 'admin', id: adminId }, changed: ['priority'] });

    // REST, with an API token.
    expect((await token('PUT', `/api/segments/${segment.documentId}`, { data: { description: 'via REST' } })).status).toBe(200);
    expect(await latest(segment.id)).toMatchObject({ version: 4, source: 'rest', actor: { type: 'api', id: tokenId }, changed: ['description'] });

    // GraphQL.
    const gql = await token('POST', '/graphql', {
      query: 'mutation($id: ID!, $data: SegmentInput!) { updateSegment(documentId: $id, data: $data) { documentId } }',
      variables: { id: segment.documentId, data: { visibility: 'team' } },
    });
    expect(gql.body.errors).toBeUndefined();
    expect(await latest(segment.id)).toMatchObject({ version: 5, source: 'graphql', actor: { type: 'api', id: tokenId }, changed: ['visibility'] });
    expect((await latest(segment.id)).state).toMatchObject({ name: 'Signed buyers', priority: 7, description: 'via REST', visibility: 'team' });

    // A refused write records nothing.
    expect((await admin('PUT', `/client-insights/segments/${segment.id}`, { rule: { '==': [{ var: 'customer.nope' }, 1] } })).status).toBe(400);
    expect(await versions(segment.id)).toHaveLength(5);
  });

  it('backfills version 1 of a segment written before versions were kept', async () => {
    const res = await admin('POST', '/client-insights/segments', { name: 'Old one', rule: stage('signed') });
    await app.strapi.db.connection('ci_segment_versions').where('segment_id', res.body.data.id).delete();
    const v = await versions(res.body.data.id);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ version: 1, source: 'backfill', actor: { type: 'system', id: null }, state: { name: 'Old one', rule: stage('signed') } });
  });

  it('diffs two versions: exactly the changed settings, and conditions added and removed', async () => {
    const res = await admin('GET', `/client-insights/segments/${segment.id}/versions/diff?from=1&to=2`);
    expect(res.status).toBe(200);
    expect(res.body.data.settings).toEqual([{ field: 'name', before: 'Signed Beijing', after: 'Signed buyers' }]);
    const rule = res.body.data.rule;
    expect(rule.map((c: any) => c.kind).sort()).toEqual(['added', 'removed']);
    expect(JSON.stringify(rule.find((c: any) => c.kind === 'removed').before)).toContain('customer.region');
    expect(JSON.stringify(rule.find((c: any) => c.kind === 'added').after)).toContain('metrics.order_count');
    // Pointers name the condition in the rule each belongs to.
    for (const c of rule) {
      const tokens = c.path.split('/').slice(1);
      const inRule = tokens.reduce((node: any, t: string) => node?.[t], c.kind === 'removed' ? res.body.data.ruleBefore : res.body.data.ruleAfter);
      expect(inRule).toEqual(c.kind === 'removed' ? c.before : c.after);
    }
    const late = await admin('GET', `/client-insights/segments/${segment.id}/versions/diff?from=2&to=5`);
    expect(late.body.data.settings.map((s: any) => s.field)).toEqual(['description', 'priority', 'visibility']);
    expect(late.body.data.rule).toEqual([]);
  });

  it('restores a version as a new version, through the update checks', async () => {
    const res = await admin('POST', `/client-insights/segments/${segment.id}/versions/1/restore`, {});
    expect(res.status).toBe(200);
    expect(res.body.data.rule).toEqual({ and: [stage('signed'), region('Beijing')] });
    expect(res.body.meta.version).toMatchObject({ version: 6, source: 'restore', restoredFrom: 1, actor: { type: 'admin', id: adminId } });
    const stored = await app.strapi.db.query('api::segment.segment').findOne({ where: { id: segment.id } });
    expect(stored).toMatchObject({ name: 'Signed Beijing', rule: { and: [stage('signed'), region('Beijing')] }, priority: 100, visibility: 'global' });
    // The restore went through the plugin's route: audited as a write.
    const audited = await app.strapi.db
      .connection('ci_audit_log')
      .where({ action: 'POST /segments/:id/versions/:version/restore', target_id: String(segment.id) })
      .first();
    expect(audited).toBeDefined();
    // Restoring the current state again: 409, nothing written.
    expect((await admin('POST', `/client-insights/segments/${segment.id}/versions/6/restore`, {})).status).toBe(409);
    expect(await versions(segment.id)).toHaveLength(6);
  });

  it('validates a restore as an update: a parent deleted since is a 400 at /parent, and nothing is written', async () => {
    const parent = (await admin('POST', '/client-insights/segments', { name: 'Parent gone', rule: stage('signed') })).body.data;
    const child = (await admin('POST', '/client-insights/segments', { name: 'Child left', rule: region('Beijing'), parent: parent.id })).body.data;
    expect((await admin('PUT', `/client-insights/segments/${child.id}`, { parent: null })).status).toBe(200);
    expect((await admin('DELETE', `/client-insights/segments/${parent.id}`)).status).toBe(200);
    expect((await versions(child.id))[1].state.parent).toEqual({ id: parent.id, key: parent.key });
    const res = await admin('POST', `/client-insights/segments/${child.id}/versions/1/restore`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toBe('/parent');
    expect(await versions(child.id)).toHaveLength(2);
  });

  it('refuses a restore without segments.update (403) and hides a segment the user cannot see (404)', async () => {
    const reader = client(app, await restrictedSession(app, ['segments.read']));
    expect((await reader('GET', `/client-insights/segments/${segment.id}/history`)).status).toBe(200);
    expect((await reader('POST', `/client-insights/segments/${segment.id}/versions/1/restore`, {})).status).toBe(403);
    const secret = (await admin('POST', '/client-insights/segments', { name: 'Private one', rule: stage('signed'), visibility: 'private' })).body.data;
    await admin('PUT', `/client-insights/segments/${secret.id}`, { priority: 3 });
    const editor = client(app, await restrictedSession(app, ['segments.read', 'segments.update']));
    for (const [method, path] of [
      ['GET', `/client-insights/segments/${secret.id}/history`],
      ['GET', `/client-insights/segments/${secret.id}/versions/diff?from=1`],
      ['GET', `/client-insights/segments/${secret.id}/versions/1`],
      ['POST', `/client-insights/segments/${secret.id}/versions/1/restore`],
    ]) {
      const answer = await editor(method, path, method === 'POST' ? {} : undefined);
      expect([path, answer.status]).toEqual([path, 404]);
    }
    expect(await versions(secret.id)).toHaveLength(2);
  });

  it('answers an API token on /api/segments/rules/:id/…: global segments only, a restore by the token recorded as its own', async () => {
    const res = await token('GET', `/api/segments/rules/${segment.id}/history?pageSize=100`);
    expect(res.status).toBe(200);
    expect(res.body.data.filter((e: any) => e.kind === 'version')).toHaveLength(6);
    // Version 5 is `team`: restored, the segment would vanish for the token. Refused, nothing written.
    const hiding = await token('POST', `/api/segments/rules/${segment.id}/versions/5/restore`, {});
    expect(hiding.status).toBe(400);
    expect(hiding.body.error.message).toMatch(/would hide the segment/);
    expect(await versions(segment.id)).toHaveLength(6);
    const restored = await token('POST', `/api/segments/rules/${segment.id}/versions/4/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body.meta.version).toMatchObject({ version: 7, source: 'restore', restoredFrom: 4, actor: { type: 'api', id: tokenId } });
    expect(restored.body.data).toMatchObject({ priority: 7, description: 'via REST', visibility: 'global' });
    expect((await token('GET', `/api/segments/rules/${segment.id}/versions/diff?from=6&to=7`)).body.data.settings.map((c: any) => c.field)).toEqual([
      'name',
      'description',
      'priority',
    ]);
    const hidden = (await admin('POST', '/client-insights/segments', { name: 'Team only', rule: stage('signed'), visibility: 'team' })).body.data;
    expect((await token('GET', `/api/segments/rules/${hidden.id}/history`)).status).toBe(404);
    // Back to version 1's state for the runs below.
    expect((await admin('POST', `/client-insights/segments/${segment.id}/versions/6/restore`, {})).status).toBe(200);
  });

  it('answers 4xx for an unknown version, a bad query, and a run of another segment', async () => {
    expect((await admin('GET', `/client-insights/segments/${segment.id}/versions/99`)).status).toBe(404);
    expect((await admin('POST', `/client-insights/segments/${segment.id}/versions/99/restore`, {})).status).toBe(404);
    const bad = await admin('GET', `/client-insights/segments/${segment.id}/versions/diff?from=abc`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toBe('/from');
    const other = (await admin('POST', '/client-insights/segments', { name: 'Other', rule: stage('signed'), execute: true })).body.data;
    const otherRun = other.currentResult.runId;
    expect((await admin('GET', `/client-insights/segments/${segment.id}/runs/${otherRun}/members`)).status).toBe(404);
    expect((await admin('GET', `/client-insights/segments/${segment.id}/runs/compare?from=${otherRun}&to=${otherRun}`)).status).toBe(404);
    expect((await admin('GET', `/client-insights/segments/${segment.id}/runs/999999/members`)).status).toBe(404);
    // A deleted segment's versions go with it.
    expect((await admin('DELETE', `/client-insights/segments/${other.id}`)).status).toBe(200);
    expect(await app.strapi.db.connection('ci_segment_versions').where('segment_id', other.id).first()).toBeUndefined();
  });

  it('lists the members of every past run as the run stored them, past retention and in-place corrections, and compares runs', async () => {
    const knex = app.strapi.db.connection;
    const metrics = app.strapi.plugin('client-insights').service('metrics');
    const setStage = async (i: number, value: string) => {
      await app.strapi.db.query('api::customer.customer').update({ where: { id: ids[i] }, data: { stage: value } });
      await metrics.drain();
      await segmentsService(app.strapi).applyPendingChanges();
      await segmentsService(app.strapi).idle();
    };
    // What each run stored, read from its snapshot the moment it committed.
    const stored = new Map<number, number[]>();
    const run = async () => {
      const res = await admin('POST', `/client-insights/segments/${segment.id}/execute`, {});
      expect(res.status).toBe(200);
      const runId = res.body.data.runId;
      stored.set(runId, (await knex('ci_segment_members').where({ segment_id: segment.id, run_id: runId }).pluck('customer_id')).map(Number));
      return runId;
    };
    const stages = ['signed', 'consultation', 'signed', 'in_service', 'signed', 'consultation', 'signed', 'signed'];
    const runs: number[] = [];
    for (let i = 0; i < stages.length; i += 1) {
      runs.push(await run());
      // Between runs, customers move: the change trigger corrects the current membership in place.
      await setStage(i % 2 === 0 ? 0 : 4, stages[i]);
      await setStage(3, i % 2 === 0 ? 'signed' : 'consultation');
    }
    // The change trigger did correct memberships in place between runs: more events than the runs' own.
    const own = await knex('ci_segment_runs')
      .where('segment_id', segment.id)
      .sum({ n: knex.raw('added_count + removed_count') })
      .first();
    const all = await knex('ci_segment_events').where('segment_id', segment.id).count({ n: '*' }).first();
    expect(Number(all!.n)).toBeGreaterThan(Number(own!.n));
    // Retention (5 runs) has removed the oldest snapshots.
    expect(await knex('ci_segment_members').where({ segment_id: segment.id, run_id: runs[0] }).first()).toBeUndefined();
    for (const runId of runs) {
      const res = await admin('GET', `/client-insights/segments/${segment.id}/runs/${runId}/members?pageSize=2`);
      expect(res.status).toBe(200);
      const pages = res.body.meta.pagination.pageCount;
      const found = res.body.data.map((m: any) => m.id);
      for (let page = 2; page <= pages; page += 1) {
        found.push(
          ...(await admin('GET', `/client-insights/segments/${segment.id}/runs/${runId}/members?pageSize=2&page=${page}`)).body.data.map((m: any) => m.id)
        );
      }
      expect([runId, sorted(found)]).toEqual([runId, sorted(stored.get(runId)!)]);
      expect(res.body.meta.membership).toMatchObject({ runId, source: 'events', complete: true, customerCount: stored.get(runId)!.length });
    }
    // Compare the first and the last run.
    const [from, to] = [runs[1], runs[runs.length - 1]];
    const a = new Set(stored.get(from));
    const b = new Set(stored.get(to));
    const added = [...b].filter((x) => !a.has(x));
    const removed = [...a].filter((x) => !b.has(x));
    expect(added.length + removed.length).toBeGreaterThan(0);
    const cmp = await admin('GET', `/client-insights/segments/${segment.id}/runs/compare?from=${from}&to=${to}`);
    expect(cmp.status).toBe(200);
    expect(cmp.body.meta.counts).toEqual({ from: a.size, to: b.size, added: added.length, removed: removed.length, kept: b.size - added.length });
    expect(sorted(cmp.body.data.map((m: any) => m.id))).toEqual(sorted(added));
    const out = await admin('GET', `/client-insights/segments/${segment.id}/runs/compare?from=${from}&to=${to}&change=removed`);
    expect(sorted(out.body.data.map((m: any) => m.id))).toEqual(sorted(removed));
  });

  it('shows versions and runs in one timeline, newest first, with who asked for each run', async () => {
    const res = await admin('GET', `/client-insights/segments/${segment.id}/history?pageSize=100`);
    const entries = res.body.data;
    expect(entries.filter((e: any) => e.kind === 'run')).toHaveLength(8);
    expect(entries.filter((e: any) => e.kind === 'version')).toHaveLength(8);
    const times = entries.map((e: any) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(entries.find((e: any) => e.kind === 'run')).toMatchObject({
      requestedBy: { type: 'admin', id: adminId, name: 'Test Admin' },
      run: { trigger: 'manual' },
    });
    const page2 = await admin('GET', `/client-insights/segments/${segment.id}/history?pageSize=5&page=2`);
    expect(page2.body.data).toEqual(entries.slice(5, 10));
    expect(page2.body.meta.pagination).toEqual({ page: 2, pageSize: 5, pageCount: 4, total: 16 });
  });
});
