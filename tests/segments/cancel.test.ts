import { dbClient } from '../helpers/databases';
import { appWithLock, adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, currentMembers, segmentsService, sorted, stage } from './helpers';
import { waitFor } from './nodes';

/** Segment runs in the one job model: cancelled while queued or running, they change nothing. */
describe('cancelling segment runs', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  let signed: any;
  let ids: number[];
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    call = client(app, await apiToken(app));
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed' },
      { name: 'B', stage: 'signed' },
      { name: 'C', stage: 'consultation' },
    ]);
    signed = (await call('POST', '/api/segments/rules', { name: 'Signed', rule: stage('signed'), execute: true })).body.data;
    // The new customers' pending re-evaluation, applied now rather than in the middle of a test.
    await segmentsService(app.strapi).idle();
  });
  afterAll(async () => app?.stop());

  const knex = () => app.strapi.db.connection;
  const lockName = () => `segment:${signed.id}`;

  it('ends a queued run cancelled at once: it never runs, membership and its tables stay as they were', async () => {
    const before = await currentMembers(app.strapi, signed.id);
    const currentRun = (await knex()('ci_segment_current').where('segment_id', signed.id).first()).run_id;
    // Bypasses the trigger: a run that went ahead would see C join.
    await knex()('customers').where('id', ids[2]).update({ stage: 'signed' });
    let release!: () => void;
    const held = appWithLock(knex(), lockName(), () => new Promise<void>((resolve) => (release = resolve)));
    try {
      const queued = await call('POST', `/api/segments/rules/${signed.id}/execute`, { wait: false });
      expect(queued.status).toBe(202);
      expect(queued.body.data).toMatchObject({ status: 'queued', phase: 'queued', progress: 0, cancelRequested: false });
      const cancelled = await call('POST', `/api/segments/results/${queued.body.data.executionId}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data).toMatchObject({ status: 'cancelled', cancelRequested: true, customerCount: null, changes: null });
      expect(cancelled.body.data.finishedAt).not.toBeNull();
    } finally {
      release();
      await held;
    }
    await segmentsService(app.strapi).idle();
    const runs = (await call('GET', `/api/segments/results?segment=${signed.key}`)).body.data;
    expect(runs[0]).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(await currentMembers(app.strapi, signed.id)).toEqual(before);
    expect((await knex()('ci_segment_current').where('segment_id', signed.id).first()).run_id).toBe(currentRun);
    expect(Number((await knex()('ci_segment_changes').where('run_id', runs[0].runId).count({ n: '*' }).first()).n)).toBe(0);
    // Its snapshot does not exist; asking for it is refused.
    expect((await call('GET', `/api/segments/results/${runs[0].executionId}/customers`)).status).toBe(409);
    // Cancelling again answers the same; the next run goes ahead and sees C.
    expect((await call('POST', `/api/segments/results/${runs[0].executionId}/cancel`)).body.data.status).toBe('cancelled');
    const next = await call('POST', `/api/segments/rules/${signed.id}/execute`, {});
    expect(next.body.data).toMatchObject({ status: 'success', changes: { added: 1, removed: 0 } });
    expect(await currentMembers(app.strapi, signed.id)).toEqual(sorted(ids));
  });

  it('refuses to cancel a finished run (409), an unknown one (404), and needs segments.run in the admin', async () => {
    const done = (await call('GET', `/api/segments/results?segment=${signed.key}`)).body.data[0];
    expect(done.status).toBe('success');
    const refused = await call('POST', `/api/segments/results/${done.executionId}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/already finished \(success\)/);
    expect((await call('POST', '/api/segments/results/999999/cancel')).status).toBe(404);

    const admin = client(app, await adminSession(app));
    const reader = client(app, await restrictedSession(app, ['segments.read']));
    let release!: () => void;
    const held = appWithLock(knex(), lockName(), () => new Promise<void>((resolve) => (release = resolve)));
    try {
      const queued = (await admin('POST', `/client-insights/segments/${signed.id}/execute`, { wait: false })).body.data;
      expect((await reader('POST', `/client-insights/segments/results/${queued.executionId}/cancel`)).status).toBe(403);
      const cancelled = await admin('POST', `/client-insights/segments/results/${queued.executionId}/cancel`);
      expect([cancelled.status, cancelled.body.data.status]).toEqual([200, 'cancelled']);
    } finally {
      release();
      await held;
    }
    await segmentsService(app.strapi).idle();
  });

  // A running run can be stopped only where its transaction gives way to another connection.
  (dbClient() === 'postgres' ? it : it.skip)('stops a running run at its next phase and rolls it back (PostgreSQL)', async () => {
    const before = await currentMembers(app.strapi, signed.id);
    await knex()('customers').where('id', ids[0]).update({ stage: 'consultation' });
    // Hold the change list so the run stops inside its transaction, before its first phase check.
    const blocker = app.db.connect();
    const trx = await blocker.transaction();
    await trx.raw('lock table ci_segment_changes in access exclusive mode');
    let executionId = '';
    try {
      executionId = (await call('POST', `/api/segments/rules/${signed.id}/execute`, { wait: false })).body.data.executionId;
      await waitFor(() => knex()('ci_segment_runs').where({ execution_id: executionId, status: 'running' }).first(), 'the run to start');
      const asked = await call('POST', `/api/segments/results/${executionId}/cancel`);
      expect(asked.status).toBe(202);
      expect(asked.body.data).toMatchObject({ status: 'running', cancelRequested: true });
    } finally {
      await trx.commit();
      await blocker.destroy();
    }
    const run = await waitFor(async () => {
      const r = (await call('GET', `/api/segments/results/${executionId}`)).body.data;
      return r.status === 'running' || r.status === 'queued' ? null : r;
    }, 'the run to stop');
    expect(run).toMatchObject({ status: 'cancelled', customerCount: null, changes: null, error: expect.stringMatching(/^cancelled during phase "matching"/) });
    expect(await currentMembers(app.strapi, signed.id)).toEqual(before);
    expect(Number((await knex()('ci_segment_members').where({ segment_id: signed.id, run_id: run.runId }).count({ n: '*' }).first()).n)).toBe(0);
    await knex()('customers').where('id', ids[0]).update({ stage: 'signed' });
  });
});
