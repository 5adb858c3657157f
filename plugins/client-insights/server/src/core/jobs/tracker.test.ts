import knexFactory, { type Knex } from 'knex';
import migrations from '../db/migrations';
import { JobCancelledError } from './status';
import { createJobTracker } from './tracker';

/** The tables of the one job model, as the migrations build them on SQLite (in memory). */
const JOB_TABLES = ['201-value-models', '202-jobs', '301-segment-runs', '302-segment-runs-primary-pending', '303-segment-runs-node'];
const migrationById = (id: string) => migrations.find((m) => m.id === id)!;

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

const waitUntil = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached');
};

describe('one job model on ci_jobs', () => {
  let knex: Knex;
  const quiet = { error: () => undefined };
  beforeEach(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    for (const id of JOB_TABLES) await migrationById(id).up(knex);
  });
  afterEach(async () => knex.destroy());

  it('migration 204 maps the old words: succeeded → success, step → phase, percent → progress', async () => {
    await knex('ci_jobs').insert([
      { kind: 'values.refresh', status: 'succeeded', progress: 1, step: 'publish', created_at: 1 },
      { kind: 'values.refresh', status: 'queued', progress: 0, step: null, created_at: 2 },
      { kind: 'values.refresh', status: 'failed', progress: 0.3, step: 'clv', created_at: 3 },
    ]);
    await knex('ci_value_runs').insert({ status: 'succeeded', trigger: 'api', config: '{}', started_at: 1 });
    await knex('ci_segment_runs').insert({
      execution_id: 'e1',
      segment_id: 1,
      trigger: 'manual',
      status: 'running',
      phase: 'diffing',
      percent: 50,
      created_at: 1,
    });
    await migrationById('204-one-job-model').up(knex);
    expect(await knex('ci_jobs').orderBy('id').select('status', 'phase', 'progress', 'cancel_requested_at')).toEqual([
      { status: 'success', phase: 'done', progress: 1, cancel_requested_at: null },
      { status: 'queued', phase: 'queued', progress: 0, cancel_requested_at: null },
      { status: 'failed', phase: 'clv', progress: 0.3, cancel_requested_at: null },
    ]);
    expect((await knex('ci_value_runs').first('status')).status).toBe('success');
    expect(await knex('ci_segment_runs').first('status', 'phase', 'progress', 'cancel_requested_at')).toEqual({
      status: 'running',
      phase: 'diffing',
      progress: 0.5,
      cancel_requested_at: null,
    });
    expect(Object.keys(await knex('ci_segment_runs').columnInfo())).not.toContain('percent');
  });

  describe('after migrations 204 and 205', () => {
    beforeEach(async () => {
      await migrationById('204-one-job-model').up(knex);
      await migrationById('205-export-jobs').up(knex);
    });

    it('reports queued → running → success with phase and progress as a fraction', async () => {
      const tracker = createJobTracker(knex, quiet);
      const id = await tracker.create('tags.rule', { a: 1 });
      expect(await tracker.get(id)).toMatchObject({ status: 'queued', phase: 'queued', progress: 0, cancelRequested: false });
      const seen: unknown[] = [];
      const result = await tracker.run(id, async (ctx) => {
        await ctx.progress(0.25, 'first');
        seen.push(await tracker.get(id));
        await ctx.progress(7, 'second');
        seen.push(await tracker.get(id));
        return { ok: true };
      });
      expect(result).toEqual({ ok: true });
      expect(seen).toEqual([
        expect.objectContaining({ status: 'running', phase: 'first', progress: 0.25 }),
        expect.objectContaining({ status: 'running', phase: 'second', progress: 1 }),
      ]);
      expect(await tracker.get(id)).toMatchObject({ status: 'success', phase: 'done', progress: 1, result: { ok: true }, error: null });
    });

    it('cancels a queued job at once: it never starts', async () => {
      const tracker = createJobTracker(knex, quiet);
      const id = await tracker.create('tags.rule');
      expect(await tracker.cancel(id)).toMatchObject({ status: 'cancelled', cancelRequested: true });
      const work = jest.fn();
      expect(await tracker.run(id, work)).toBeNull();
      expect(work).not.toHaveBeenCalled();
      expect((await tracker.get(id))!.finishedAt).not.toBeNull();
    });

    it('stops a running job at its next check; nothing after the check happens', async () => {
      const tracker = createJobTracker(knex, quiet);
      const release = gate();
      const writes: string[] = [];
      const id = await tracker.start('tags.rule', null, async (ctx) => {
        await ctx.progress(0.1, 'loading');
        writes.push('loaded');
        await release.opened;
        await ctx.progress(0.5, 'writing');
        writes.push('written');
        return 'done';
      });
      await waitUntil(async () => (await tracker.get(id))!.phase === 'loading');
      expect(await tracker.cancel(id)).toMatchObject({ status: 'running', cancelRequested: true });
      release.open();
      await waitUntil(async () => (await tracker.get(id))!.status !== 'running');
      expect(await tracker.get(id)).toMatchObject({ status: 'cancelled', phase: 'writing', error: 'cancelled during phase "writing"' });
      expect(writes).toEqual(['loaded']);
      // A finished job is left as it is.
      expect(await tracker.cancel(id)).toMatchObject({ status: 'cancelled' });
    });

    it('checkCancelled stops between batches; failures still end failed and reach the caller', async () => {
      const tracker = createJobTracker(knex, quiet);
      const id = await tracker.create('tags.rule');
      let batches = 0;
      const outcome = await tracker.run(id, async (ctx) => {
        for (let i = 0; i < 10; i += 1) {
          await ctx.checkCancelled();
          batches += 1;
          if (i === 2) await tracker.cancel(id);
        }
      });
      expect(outcome).toBeNull();
      expect(batches).toBe(3);
      expect((await tracker.get(id))!.status).toBe('cancelled');

      // The reader gets a code and a reference; the detail (it could be SQL) goes to the log only.
      const logged: string[] = [];
      const logging = createJobTracker(knex, { error: (msg: string) => void logged.push(msg) });
      const failing = await logging.create('tags.rule');
      await expect(logging.run(failing, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
      const failed = (await logging.get(failing))!;
      expect(failed).toMatchObject({
        status: 'failed',
        errorCode: 'internal',
        error: expect.stringMatching(/^an internal error stopped it; .* reference [0-9a-f-]{36}$/),
      });
      expect(failed.error).not.toContain('disk full');
      const reference = /reference ([0-9a-f-]{36})/.exec(failed.error!)![1];
      expect(logged.some((line) => line.includes(reference) && line.includes('disk full'))).toBe(true);
      expect(new JobCancelledError(null).message).toBe('cancelled');
    });
  });
});
