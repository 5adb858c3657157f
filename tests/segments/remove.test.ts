import type { Knex } from 'knex';
import { dbClient } from '../helpers/databases';
import { apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, region, segmentsService, stage } from './helpers';

/**
 * Deleting a segment deletes, in one transaction, every plugin row that refers to it: found by
 * reading the database's own catalogue (every ci_* table with a segment_id column, and the run_id
 * of the segment tables), so a table added later is covered without editing this test.
 */
describe('segment removal', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  let knex: Knex;
  let ids: number[];
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/segments/rules', { execute: true, ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    call = client(app, await apiToken(app));
    knex = app.strapi.db.connection;
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed', region: 'Beijing' },
      { name: 'B', stage: 'signed', region: 'Shanghai' },
      { name: 'C', stage: 'in_service', region: 'Beijing' },
    ]);
  });
  afterAll(async () => app?.stop());

  const runsOf = async (segmentId: number) => (await knex('ci_segment_runs').where('segment_id', segmentId).pluck('id')).map(Number);

  /** For every ci_* table of the database: how many of its rows name the segment or one of its runs. */
  const rowsReferring = async (segmentId: number, runIds: number[]) => {
    const tables: string[] = (await (app.strapi.db.dialect as any).schemaInspector.getTables())
      .filter((t: string) => t.startsWith('ci_'))
      // The catalogue lists tables in no set order (PostgreSQL's moves as its rows are updated).
      .sort();
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const columns = Object.keys(await knex(table).columnInfo());
      // run_id outside ci_segment_* names other runs (value-model runs).
      const byRun = table.startsWith('ci_segment_') && columns.includes('run_id') && runIds.length > 0;
      if (!columns.includes('segment_id') && !byRun) continue;
      const q = knex(table).where((w) => {
        if (columns.includes('segment_id')) w.orWhere('segment_id', segmentId);
        if (byRun) w.orWhereIn('run_id', runIds);
      });
      counts[table] = Number((await q.count({ n: '*' }).first())!.n);
    }
    return counts;
  };
  const nonZero = (counts: Record<string, number>) =>
    Object.keys(counts)
      .filter((t) => counts[t] > 0)
      .sort();

  /** Makes every delete from ci_segment_runs fail, until the returned function drops the trigger. */
  const blockRunDeletes = async () => {
    const client = dbClient();
    if (client === 'sqlite') {
      await knex.raw("create trigger ci_test_block before delete on ci_segment_runs begin select raise(abort, 'blocked by the test'); end");
      return () => knex.raw('drop trigger ci_test_block');
    }
    if (client === 'postgres') {
      await knex.raw("create function ci_test_block() returns trigger language plpgsql as $$ begin raise exception 'blocked by the test'; end $$");
      await knex.raw('create trigger ci_test_block before delete on ci_segment_runs for each row execute function ci_test_block()');
      return async () => {
        await knex.raw('drop trigger ci_test_block on ci_segment_runs');
        await knex.raw('drop function ci_test_block()');
      };
    }
    await knex.raw(
      "create trigger ci_test_block before delete on ci_segment_runs for each row signal sqlstate '45000' set message_text = 'blocked by the test'"
    );
    return () => knex.raw('drop trigger ci_test_block');
  };

  it('deletes its members, snapshots, runs, changes, events and primary segments, or nothing', async () => {
    const signed = await create({ name: 'Signed', rule: stage('signed'), priority: 10 });
    const beijing = await create({ name: 'Beijing', rule: region('Beijing'), priority: 20 });
    // A second run: two snapshots, and a run with no changes.
    expect((await call('POST', `/api/segments/rules/${signed.id}/execute`, {})).status).toBe(200);
    const primaryOf = async (customerId: number) =>
      Number((await knex('ci_customer_primary_segment').where('customer_id', customerId).first())?.segment_id ?? 0);
    expect(await primaryOf(ids[0])).toBe(signed.id);

    await segmentsService(app.strapi).idle();
    const runIds = await runsOf(signed.id);
    expect(runIds).toHaveLength(2);
    const before = await rowsReferring(signed.id, runIds);
    expect(nonZero(before)).toEqual(
      expect.arrayContaining([
        'ci_customer_primary_segment',
        'ci_segment_changes',
        'ci_segment_current',
        'ci_segment_events',
        'ci_segment_members',
        'ci_segment_runs',
      ])
    );
    const otherBefore = await rowsReferring(beijing.id, await runsOf(beijing.id));

    // A failure at the last delete rolls back every one before it, the segment's own row included.
    const unblock = await blockRunDeletes();
    try {
      // Matched by message, not toThrow: better-sqlite3's native half keeps the error class of the first test file a
      // jest worker loaded it in, so after another SQLite test file its errors are not this realm's Error instances.
      await expect(segmentsService(app.strapi).remove({ kind: 'api' }, signed.id)).rejects.toMatchObject({
        message: expect.stringMatching(/blocked by the test/),
      });
    } finally {
      await unblock();
    }
    expect(await rowsReferring(signed.id, runIds)).toEqual(before);
    expect(await knex('segments').where('id', signed.id).first()).toBeTruthy();

    const res = await call('DELETE', `/api/segments/rules/${signed.id}`);
    expect(res.status).toBe(200);
    expect(await knex('segments').where('id', signed.id).first()).toBeFalsy();
    const after = await rowsReferring(signed.id, runIds);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(nonZero(after)).toEqual([]);
    // The other segment keeps its rows, and A's primary segment falls to it.
    const otherAfter = await rowsReferring(beijing.id, await runsOf(beijing.id));
    expect({ ...otherAfter, ci_customer_primary_segment: 0 }).toEqual({ ...otherBefore, ci_customer_primary_segment: 0 });
    expect(await primaryOf(ids[0])).toBe(beijing.id);
    expect(await primaryOf(ids[1])).toBe(0);
  });
});
