import { dbClient } from '../helpers/databases';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { currentMembers, segmentsService, sorted } from './helpers';
import { startNode, waitFor } from './nodes';

/**
 * A node SIGKILLed in the middle of a run (members written, swap not committed) loses nothing:
 * the next tick redoes the run under the same record, and the result equals a clean run's.
 */
const onPostgres = dbClient() === 'postgres' ? describe : describe.skip;

onPostgres('crash safety (PostgreSQL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
    const knex = app.strapi.db.connection;
    await knex.raw(`
      insert into customers (document_id, name, stage, region, created_at, updated_at, published_at)
      select 'crash' || g, 'Customer ' || g,
             (array['consultation','application','signed','in_service','churned'])[1 + g % 5],
             (array['Beijing','Shanghai','Shenzhen'])[1 + g % 3], now(), now(), now()
      from generate_series(1, 20000) g`);
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
  });
  afterAll(async () => app?.stop());

  /**
   * Starts another node running the segment while this test holds the events table, so the run
   * stops inside its transaction, at the swap; `release` lets it go on.
   */
  const runHeldAtSwap = async (segmentId: number) => {
    const blocker = app.db.connect();
    const trx = await blocker.transaction();
    await trx.raw('lock table ci_segment_events in access exclusive mode');
    const node = await startNode(app, { NODE_ACTION: 'execute', SEGMENT_ID: String(segmentId) });
    const run = await waitFor(
      () => app.strapi.db.connection('ci_segment_runs').where({ segment_id: segmentId, status: 'running', phase: 'swapping' }).first(),
      'the other node to reach the swap'
    );
    const release = async () => {
      await trx.commit();
      await blocker.destroy();
    };
    return { node, run, release };
  };

  it('redoes a run killed mid-way: same record, clean membership, no duplicates', async () => {
    const knex = app.strapi.db.connection;
    const rule = { and: [{ in: [{ var: 'customer.stage' }, ['signed', 'in_service']] }, { '!=': [{ var: 'customer.region' }, 'Shenzhen'] }] };
    const segment = await segmentsService(app.strapi).create(
      { kind: 'api' },
      { name: 'Crash', rule, type: 'dynamic', status: 'active', priority: 100, visibility: 'global', execute: false }
    );
    const expected = sorted(await knex('customers').whereIn('stage', ['signed', 'in_service']).whereNot('region', 'Shenzhen').pluck('id'));

    const { node, run, release } = await runHeldAtSwap(segment.id);
    node.child.kill('SIGKILL');
    await node.exited.catch(() => undefined);
    await release();
    expect(node.messages.some((m) => m.done)).toBe(false);

    // Nothing of the killed run is visible: no current membership, its record still running.
    expect(await currentMembers(app.strapi, segment.id)).toEqual([]);
    expect((await knex('ci_segment_runs').where('id', run.id).first()).status).toBe('running');

    // The next tick (every node runs recover() once a minute and at start) redoes it.
    await waitFor(async () => (await segmentsService(app.strapi).recover()).length > 0 || null, 'recovery to take the run');
    const redone = await knex('ci_segment_runs').where('id', run.id).first();
    expect(redone).toMatchObject({ status: 'success', execution_id: run.execution_id, attempts: 2, customer_count: expected.length });
    expect(Number((await knex('ci_segment_runs').where('segment_id', segment.id).count({ n: '*' }).first()).n)).toBe(1);
    expect(await currentMembers(app.strapi, segment.id)).toEqual(expected);
    const dupes = await knex('ci_segment_members').where('segment_id', segment.id).groupBy('run_id', 'customer_id').havingRaw('count(*) > 1').count({ n: '*' });
    expect(dupes).toEqual([]);
    const primaries = await knex('ci_customer_primary_segment').where('segment_id', segment.id).count({ n: '*' }).first();
    expect(Number(primaries.n)).toBe(expected.length);

    // A clean run afterwards changes nothing.
    const clean = await segmentsService(app.strapi).executor().execute(segment.id, { trigger: 'manual' });
    expect(clean).toMatchObject({ status: 'success', customerCount: expected.length, changes: { added: 0, removed: 0, kept: expected.length } });
  });

  it('lets a run in progress finish when its node is stopped (SIGTERM): nothing left for recovery', async () => {
    const knex = app.strapi.db.connection;
    const segment = await segmentsService(app.strapi).create(
      { kind: 'api' },
      {
        name: 'Graceful',
        rule: { '==': [{ var: 'customer.region' }, 'Beijing'] },
        type: 'dynamic',
        status: 'active',
        priority: 100,
        visibility: 'global',
        execute: false,
      }
    );
    const { node, run, release } = await runHeldAtSwap(segment.id);
    node.child.kill('SIGTERM');
    // The node is shutting down but waits for its run; release the table only after a while.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(node.child.exitCode).toBeNull();
    await release();
    await node.exited;
    const finished = await knex('ci_segment_runs').where('id', run.id).first();
    expect(finished).toMatchObject({ status: 'success', attempts: 1 });
    expect(await segmentsService(app.strapi).recover()).toEqual([]);
  });
});
