import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { METRICS_LOCK } from '../../plugins/client-insights/server/src/modules/metrics/queue';
import { appWithLock, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { insertPeople, makePeople } from './dataset';

/**
 * A value refresh through the events seam: it announces `values.refreshed`, and the dynamic
 * segments whose rules read score.* (and those depending on them) are re-run at once, not at their
 * next schedule. And a refresh is a job of the one job model: it can be cancelled, changing nothing.
 */
describe('value refresh events and cancellation', () => {
  let app: TestApp;
  let token: string;
  const people = makePeople(11, 60, new Date());

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    const knex = app.strapi.db.connection;
    await insertPeople(knex, people, (ms) => bindDate(knex, new Date(ms)));
    // Rows went in around Strapi: segment runs need every customer's facts.
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
    token = await apiToken(app);
  });
  afterAll(async () => app?.stop());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const knex = () => app.strapi.db.connection;
  const events = () => app.strapi.plugin('client-insights').service('events');
  const segments = () => app.strapi.plugin('client-insights').service('segments');
  const members = async (segmentId: number) =>
    (
      await knex()('ci_segment_members as m')
        .join('ci_segment_current as c', (j) => j.on('c.segment_id', 'm.segment_id').andOn('c.run_id', 'm.run_id'))
        .where('m.segment_id', segmentId)
        .orderBy('m.customer_id')
        .pluck('m.customer_id')
    ).map(Number);
  const finished = async (jobId: number) => {
    for (let i = 0; i < 600; i += 1) {
      const job = (await call('GET', `/api/segments/rfm/calculate/${jobId}`)).body.data;
      if (!['queued', 'running'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  };
  const runsOf = async (segmentId: number) => (await call('GET', `/api/segments/results?segment=${segmentId}&pageSize=100`)).body.data as any[];

  it('re-runs the segments reading score.* right after a refresh, and only those', async () => {
    const create = async (body: Record<string, unknown>) => {
      const res = await call('POST', '/api/segments/rules', { execute: true, schedule: 'monthly', ...body });
      expect(res.status).toBe(201);
      return res.body.data;
    };
    // Before any refresh every score is null: nobody is in.
    const recent = await create({ name: 'Recent buyers', key: 'recent-buyers', rule: { '>=': [{ var: 'score.r' }, 4] } });
    const dependent = await create({
      name: 'Recent, any orders',
      key: 'recent-any',
      rule: { and: [{ in_segment: ['recent-buyers'] }, { '>=': [{ var: 'metrics.order_count' }, 0] }] },
    });
    const factsOnly = await create({ name: 'Everyone', key: 'everyone', rule: { '>=': [{ var: 'metrics.order_count' }, 0] } });
    expect(await members(recent.id)).toEqual([]);

    const seen: Array<{ name: string; payload: any }> = [];
    const offs = [
      events().on('values.refreshed', (payload: unknown) => void seen.push({ name: 'values.refreshed', payload })),
      events().on('segment.membership.changed', (payload: unknown) => void seen.push({ name: 'segment.membership.changed', payload })),
    ];
    try {
      const started = await call('POST', '/api/segments/rfm/calculate', {});
      expect(started.status).toBe(202);
      const job = await finished(started.body.data.id);
      expect(job).toMatchObject({ status: 'success', phase: 'done', progress: 1 });
      await segments().idle();
    } finally {
      offs.forEach((off) => off());
    }

    const expected = (await knex()('ci_customer_scores').where('r', '>=', 4).orderBy('customer_id').pluck('customer_id')).map(Number);
    expect(expected.length).toBeGreaterThan(0);
    expect(await members(recent.id)).toEqual(expected);
    expect(await members(dependent.id)).toEqual(expected);
    expect((await runsOf(recent.id))[0]).toMatchObject({ trigger: 'values', status: 'success', changes: { added: expected.length, removed: 0 } });
    expect((await runsOf(dependent.id))[0]).toMatchObject({ trigger: 'values', status: 'success' });
    expect((await runsOf(factsOnly.id)).map((r) => r.trigger)).toEqual(['create']);

    const refreshed = seen.find((e) => e.name === 'values.refreshed')!.payload;
    expect(refreshed.fields).toEqual(expect.arrayContaining(['score.r', 'score.clv', 'score.quadrant']));
    expect(refreshed.modelVersion).toMatch(/^v\d+-/);
    const recentRun = (await runsOf(recent.id))[0];
    expect(seen).toContainEqual({
      name: 'segment.membership.changed',
      payload: { segmentId: recent.id, runId: recentRun.runId, source: 'run', entered: expected.length, exited: 0 },
    });
    // values.refreshed comes first: the re-runs follow from it.
    expect(seen[0].name).toBe('values.refreshed');
  });

  it('cancels a running refresh at its next check: nothing published, no run recorded', async () => {
    const scoresBefore = await knex()('ci_customer_scores').orderBy('customer_id').select('customer_id', 'model_version');
    const runsBefore = Number((await knex()('ci_value_runs').count({ n: '*' }).first())!.n);
    // The refresh drains the metrics queue first: holding its lock keeps the job in its first phase.
    let release!: () => void;
    const held = appWithLock(knex(), METRICS_LOCK, () => new Promise<void>((resolve) => (release = resolve)));
    let jobId = 0;
    try {
      const started = await call('POST', '/api/segments/rfm/calculate', {});
      jobId = started.body.data.id;
      for (let i = 0; i < 100 && (await call('GET', `/api/segments/rfm/calculate/${jobId}`)).body.data.status !== 'running'; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      const asked = await call('POST', `/api/segments/rfm/calculate/${jobId}/cancel`);
      expect(asked.status).toBe(202);
      expect(asked.body.data).toMatchObject({ id: jobId, status: 'running', phase: 'starting', cancelRequested: true });
    } finally {
      release();
      await held;
    }
    const job = await finished(jobId);
    expect(job).toMatchObject({ status: 'cancelled', cancelRequested: true, error: expect.stringMatching(/^cancelled/) });
    expect(job.finishedAt).not.toBeNull();
    expect(Number((await knex()('ci_value_runs').count({ n: '*' }).first())!.n)).toBe(runsBefore);
    expect(await knex()('ci_customer_scores').orderBy('customer_id').select('customer_id', 'model_version')).toEqual(scoresBefore);

    // Cancelled stays cancelled; a finished job cannot be cancelled; unknown ids are 404, bad ones 400.
    expect((await call('POST', `/api/segments/rfm/calculate/${jobId}/cancel`)).body.data.status).toBe('cancelled');
    const next = await finished((await call('POST', '/api/segments/rfm/calculate', {})).body.data.id);
    expect(next.status).toBe('success');
    const refused = await call('POST', `/api/segments/rfm/calculate/${next.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ status: 409, message: expect.stringMatching(/already finished \(success\)/) });
    expect((await call('POST', '/api/segments/rfm/calculate/999999/cancel')).status).toBe(404);
    expect((await call('POST', '/api/segments/rfm/calculate/abc/cancel')).status).toBe(400);
    await segments().idle();
  });
});
