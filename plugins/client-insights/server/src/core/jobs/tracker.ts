import type { Knex } from 'knex';
import { bindDate, readDate } from '../db/dialect';
import { TABLES } from '../db/tables';

/**
 * Tracked background jobs, for any module: a row in ci_jobs with status, progress (0..1), the
 * current step and a heartbeat. `start` returns the job id at once and runs the work in the
 * background; callers poll `get`. A job whose heartbeat is older than `staleAfterMs` belongs to a
 * process that died: `active` reports it failed instead of blocking new runs forever.
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type JobRecord = {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  step: string | null;
  params: unknown;
  result: unknown;
  error: string | null;
  createdAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
};
export type JobContext = { jobId: number; progress(fraction: number, step?: string): Promise<void> };

const TABLE = TABLES.jobs;
const parse = (text: unknown) => (text === null || text === undefined ? null : JSON.parse(String(text)));

export const createJobTracker = (
  knex: Knex,
  log: { error(msg: string): void } = console,
  { heartbeatMs = 10_000, staleAfterMs = 120_000 } = {}
) => {
  const now = () => bindDate(knex, new Date());
  const toRecord = (row: any): JobRecord => ({
    id: Number(row.id),
    kind: row.kind,
    status: row.status,
    progress: Number(row.progress),
    step: row.step ?? null,
    params: parse(row.params),
    result: parse(row.result),
    error: row.error ?? null,
    createdAt: readDate(row.created_at),
    startedAt: readDate(row.started_at),
    finishedAt: readDate(row.finished_at),
    heartbeatAt: readDate(row.heartbeat_at),
  });

  const get = async (id: number): Promise<JobRecord | null> => {
    const row = await knex(TABLE).where({ id }).first();
    return row ? toRecord(row) : null;
  };

  const create = async (kind: string, params: unknown = null): Promise<number> => {
    const [inserted] = await knex(TABLE).insert(
      { kind, status: 'queued', progress: 0, params: JSON.stringify(params), created_at: now(), heartbeat_at: now() },
      ['id']
    );
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  };

  /** Runs `fn` as job `id`: running → succeeded (with its result) or failed (with the error). */
  const run = async <T>(id: number, fn: (ctx: JobContext) => Promise<T>): Promise<T> => {
    await knex(TABLE).where({ id }).update({ status: 'running', started_at: now(), heartbeat_at: now() });
    const beat = setInterval(() => {
      knex(TABLE).where({ id, status: 'running' }).update({ heartbeat_at: now() }).catch(() => undefined);
    }, heartbeatMs);
    beat.unref?.();
    const ctx: JobContext = {
      jobId: id,
      progress: async (fraction, step) => {
        const update: Record<string, unknown> = { progress: Math.min(Math.max(fraction, 0), 1), heartbeat_at: now() };
        if (step !== undefined) update.step = step;
        await knex(TABLE).where({ id }).update(update);
      },
    };
    try {
      const result = await fn(ctx);
      await knex(TABLE).where({ id }).update({ status: 'succeeded', progress: 1, result: JSON.stringify(result ?? null), finished_at: now() });
      return result;
    } catch (error) {
      await knex(TABLE)
        .where({ id })
        .update({ status: 'failed', error: (error as Error).message ?? String(error), finished_at: now() })
        .catch(() => undefined);
      throw error;
    } finally {
      clearInterval(beat);
    }
  };

  /** The queued or running job of `kind` whose process is alive; stale ones are marked failed. */
  const active = async (kind: string): Promise<JobRecord | null> => {
    const rows = await knex(TABLE).where({ kind }).whereIn('status', ['queued', 'running']).orderBy('id', 'desc');
    let alive: JobRecord | null = null;
    for (const row of rows) {
      const job = toRecord(row);
      const beat = job.heartbeatAt ?? job.createdAt;
      if (beat && Date.now() - beat.getTime() <= staleAfterMs) {
        alive = alive ?? job;
      } else {
        await knex(TABLE).where({ id: job.id }).update({ status: 'failed', error: 'abandoned: no heartbeat (process stopped)', finished_at: now() });
      }
    }
    return alive;
  };

  /** Creates job `kind` and runs `fn` in the background; the promise resolves with the job id. */
  const start = async <T>(kind: string, params: unknown, fn: (ctx: JobContext) => Promise<T>): Promise<number> => {
    const id = await create(kind, params);
    setImmediate(() => {
      run(id, fn).catch((error) => log.error(`[client-insights] job ${kind} #${id} failed: ${(error as Error).message}`));
    });
    return id;
  };

  const latest = async (kind: string): Promise<JobRecord | null> => {
    const row = await knex(TABLE).where({ kind }).orderBy('id', 'desc').first();
    return row ? toRecord(row) : null;
  };

  return { create, run, start, get, active, latest };
};

export type JobTracker = ReturnType<typeof createJobTracker>;
