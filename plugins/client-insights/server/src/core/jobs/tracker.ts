import type { Knex } from 'knex';
import { bindDate, readDate } from '../db/dialect';
import { TABLES } from '../db/tables';
import type { JobKind } from '../../../../shared/enums';
import { readFailure, recordedFailure } from './failure';
import { ACTIVE_STATUSES, clampProgress, isCancellation, JobCancelledError, type JobStatus } from './status';

/**
 * Tracked background jobs, for any module: a row in ci_jobs in the one job model (status.ts):
 * status, phase, progress (a fraction 0..1), a heartbeat and a cancel request. `start` returns the
 * job id at once and runs the work in the background; callers poll `get`. A job whose heartbeat
 * is older than `staleAfterMs` belongs to a process that died: `active` reports it failed instead
 * of blocking new runs forever. The work reports with `ctx.progress(fraction, phase)`, which is
 * also where a cancel request is seen (`ctx.checkCancelled()` checks without reporting).
 */
export type JobRecord = {
  id: number;
  kind: JobKind;
  status: JobStatus;
  /** The step under way: TRACKER_PHASES around the words of the job's kind. */
  phase: string | null;
  /** Fraction done, 0..1. */
  progress: number;
  params: unknown;
  result: unknown;
  error: string | null;
  cancelRequested: boolean;
  /** The admin user who started it (null: a schedule, the system or an API token). */
  requestedBy: number | null;
  createdAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
};
export type JobContext = {
  jobId: number;
  /** Records progress (fraction 0..1) and the phase; throws JobCancelledError when a cancel was requested. */
  progress(fraction: number, phase?: string): Promise<void>;
  /** Throws JobCancelledError when a cancel was requested (for checks between batches). */
  checkCancelled(): Promise<void>;
};

const TABLE = TABLES.jobs;
const parse = (text: unknown) => (text === null || text === undefined ? null : JSON.parse(String(text)));

export const createJobTracker = (knex: Knex, log: { error(msg: string): void } = console, { heartbeatMs = 10_000, staleAfterMs = 120_000 } = {}) => {
  const now = () => bindDate(knex, new Date());
  const toRecord = (row: any): JobRecord => ({
    id: Number(row.id),
    kind: row.kind,
    status: row.status,
    phase: row.phase ?? null,
    progress: clampProgress(Number(row.progress)),
    params: parse(row.params),
    result: parse(row.result),
    ...readFailure(row.error),
    cancelRequested: row.cancel_requested_at !== null && row.cancel_requested_at !== undefined,
    requestedBy: row.requested_by === null || row.requested_by === undefined ? null : Number(row.requested_by),
    createdAt: readDate(row.created_at),
    startedAt: readDate(row.started_at),
    finishedAt: readDate(row.finished_at),
    heartbeatAt: readDate(row.heartbeat_at),
  });

  const get = async (id: number): Promise<JobRecord | null> => {
    const row = await knex(TABLE).where({ id }).first();
    return row ? toRecord(row) : null;
  };

  const create = async (kind: JobKind, params: unknown = null, requestedBy: number | null = null): Promise<number> => {
    const [inserted] = await knex(TABLE).insert(
      {
        kind,
        status: 'queued',
        phase: 'queued',
        progress: 0,
        params: JSON.stringify(params),
        requested_by: requestedBy,
        created_at: now(),
        heartbeat_at: now(),
      },
      ['id']
    );
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  };

  /**
   * Runs `fn` as job `id` if it is still queued: running → success (with its result), cancelled
   * (when `fn` stopped at a check after a cancel request; resolves null) or failed (rethrows).
   * Null too when the job was cancelled before it started.
   */
  const run = async <T>(id: number, fn: (ctx: JobContext) => Promise<T>): Promise<T | null> => {
    const claimed = await knex(TABLE).where({ id, status: 'queued' }).update({ status: 'running', phase: 'starting', started_at: now(), heartbeat_at: now() });
    if (!claimed) return null;
    const beat = setInterval(() => {
      knex(TABLE)
        .where({ id, status: 'running' })
        .update({ heartbeat_at: now() })
        .catch(() => undefined);
    }, heartbeatMs);
    beat.unref?.();
    let phase = 'starting';
    const checkCancelled = async () => {
      const row = await knex(TABLE).where({ id }).first('cancel_requested_at');
      if (row?.cancel_requested_at !== null && row?.cancel_requested_at !== undefined) throw new JobCancelledError(phase);
    };
    const ctx: JobContext = {
      jobId: id,
      progress: async (fraction, next) => {
        const update: Record<string, unknown> = { progress: clampProgress(fraction), heartbeat_at: now() };
        if (next !== undefined) update.phase = phase = next;
        await knex(TABLE).where({ id }).update(update);
        await checkCancelled();
      },
      checkCancelled,
    };
    try {
      const result = await fn(ctx);
      await knex(TABLE)
        .where({ id })
        .update({ status: 'success', phase: 'done', progress: 1, result: JSON.stringify(result ?? null), finished_at: now() });
      return result;
    } catch (error) {
      const cancelled = isCancellation(error);
      await knex(TABLE)
        .where({ id })
        .update({ status: cancelled ? 'cancelled' : 'failed', error: recordedFailure(error, log, `job #${id}`), finished_at: now() })
        .catch(() => undefined);
      if (cancelled) return null;
      throw error;
    } finally {
      clearInterval(beat);
    }
  };

  /**
   * Cancels job `id`: a queued one ends cancelled now, a running one is asked to stop at its next
   * check. Answers the job as it is then (null when unknown); a finished job is left as it is.
   */
  const cancel = async (id: number): Promise<JobRecord | null> => {
    const at = now();
    await knex(TABLE).where({ id, status: 'queued' }).update({ status: 'cancelled', cancel_requested_at: at, finished_at: at });
    await knex(TABLE).where({ id, status: 'running' }).whereNull('cancel_requested_at').update({ cancel_requested_at: at });
    return get(id);
  };

  /** The queued or running job of `kind` (narrowed by `where`) whose process is alive; stale ones are marked failed. */
  const active = async (kind: JobKind, where: (q: Knex.QueryBuilder) => void = () => undefined): Promise<JobRecord | null> => {
    const rows = await knex(TABLE).where({ kind }).whereIn('status', ACTIVE_STATUSES).where(where).orderBy('id', 'desc');
    let alive: JobRecord | null = null;
    for (const row of rows) {
      const job = toRecord(row);
      const beat = job.heartbeatAt ?? job.createdAt;
      if (beat && Date.now() - beat.getTime() <= staleAfterMs) {
        alive = alive ?? job;
      } else {
        await knex(TABLE)
          .where({ id: job.id })
          .update({ status: 'failed', error: 'internal: abandoned, no heartbeat (its process stopped)', finished_at: now() });
      }
    }
    return alive;
  };

  /** Creates job `kind` and runs `fn` in the background; the promise resolves with the job id. */
  const start = async <T>(kind: JobKind, params: unknown, fn: (ctx: JobContext) => Promise<T>, requestedBy: number | null = null): Promise<number> => {
    const id = await create(kind, params, requestedBy);
    setImmediate(() => {
      run(id, fn).catch((error) => log.error(`[client-insights] job ${kind} #${id} failed: ${(error as Error).message}`));
    });
    return id;
  };

  const latest = async (kind: JobKind): Promise<JobRecord | null> => {
    const row = await knex(TABLE).where({ kind }).orderBy('id', 'desc').first();
    return row ? toRecord(row) : null;
  };

  return { create, run, start, cancel, get, active, latest };
};
