import { hostname } from 'os';
import { dbClient } from '../helpers/databases';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { createCustomers, segmentsService, stage } from './helpers';
import { startNode, waitFor } from './nodes';

/**
 * Two Strapi processes on one database both schedule the same segment; every tick must run once
 * (PostgreSQL advisory locks / MySQL GET_LOCK, plus the run's unique schedule slot).
 */
const onServer = dbClient() === 'sqlite' ? describe.skip : describe;

onServer(`scheduled runs across two nodes (${dbClient()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // A schedule every 2 seconds: allowed here only (the default minimum is 15 minutes); the
    // second node inherits the setting through the environment.
    app = await startStrapi({ env: { CI_MIN_SCHEDULE_MINUTES: '0' } });
  });
  afterAll(async () => app?.stop());

  it('executes each scheduled tick exactly once', async () => {
    const knex = app.strapi.db.connection;
    await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed' },
      { name: 'B', stage: 'consultation' },
    ]);
    const service = segmentsService(app.strapi);
    // Every 2 seconds (node-cron's seconds field), so a short test sees several ticks.
    const segment = await service.create(
      { kind: 'api' },
      { name: 'Ticking', rule: stage('signed'), type: 'dynamic', status: 'active', priority: 100, visibility: 'global', schedule: '*/2 * * * * *' }
    );
    const node = await startNode(app);
    const since = new Date();
    await new Promise((r) => setTimeout(r, 8_000));
    // Then this node stops scheduling it: the other node must carry on alone, which shows it was
    // competing for every tick all along (which node wins a contested tick is a race). Its
    // recovery job stops too: at a minute's turn it may execute a run the other node has just
    // queued and not yet locked (still exactly once, but then this node's name is on it). And its
    // periodic schedule sync (every minute) must not put the job back.
    const scheduler = app.strapi.plugin('client-insights').service('scheduler');
    const schedule = scheduler.schedule;
    scheduler.schedule = (spec: { name: string }) => (spec.name.startsWith('segment') ? undefined : schedule.call(scheduler, spec));
    scheduler.unschedule(`segment:${segment.id}`);
    scheduler.unschedule('segments:recover');
    const alone = new Date(Date.now() + 1_000);
    await new Promise((r) => setTimeout(r, 6_000));
    node.child.kill('SIGTERM');
    await node.exited;
    scheduler.schedule = schedule;
    await service.update({ kind: 'api' }, segment.id, { schedule: null });
    // Let runs started or queued by the last ticks finish (under load they can trail the ticks).
    // (A run the other node queued but did not start before it stopped is recovered here.)
    await waitFor(async () => {
      await service.recover();
      return !(await knex('ci_segment_runs').where({ segment_id: segment.id }).whereIn('status', ['queued', 'running']).first());
    }, 'the last runs to finish');

    const runs = await knex('ci_segment_runs')
      .where({ segment_id: segment.id, trigger: 'schedule' })
      .orderBy('id')
      .select('schedule_slot', 'status', 'executed_at', 'finished_at', 'node');
    const bothRunning = runs.filter((r: any) => new Date(r.schedule_slot) >= since);
    expect(bothRunning.length).toBeGreaterThanOrEqual(3);
    const slots = runs.map((r: any) => r.schedule_slot);
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(new Date(slot).getUTCSeconds() % 2).toBe(0);
    expect(runs.filter((r: any) => r.status !== 'success')).toEqual([]);
    const ownNode = `${hostname()}:${process.pid}`;
    const late = runs.filter((r: any) => new Date(r.schedule_slot) >= alone);
    expect(late.length).toBeGreaterThanOrEqual(2);
    expect(late.every((r: any) => r.node && r.node !== ownNode)).toBe(true);
    // Consecutive runs never overlapped.
    for (let i = 1; i < runs.length; i += 1) {
      expect(new Date(runs[i].executed_at).getTime()).toBeGreaterThanOrEqual(new Date(runs[i - 1].finished_at).getTime());
    }
  });
});
