import path from 'path';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';
import type { CreateDestination, SyncMode, SyncRun, UpdateDestination } from '../../../../shared/contracts/sync';
import { bindDate, readDate, withLock } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { recordedFailure } from '../../core/jobs/failure';
import { isCancellation } from '../../core/jobs/status';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { getService } from '../../get-service';
import { DeliveryError } from '../automation/actions/types';
import { destinationStore, type DestinationForRun } from './destinations';
import { InjectedFailure, runSync, type RunOptions } from './runner';
import { fileDropTarget } from './targets/file-drop';
import type { SyncTarget } from './targets/types';
import { warehouseTarget, type WarehouseSettings } from './targets/warehouse';
import { webhookTarget } from './targets/webhook';

/** Customers per page (and so per batch) unless `sync.pageSize` says otherwise. */
const PAGE_SIZE = 5000;
const HISTORY = 50;

type StartOptions = { mode?: SyncMode; trigger?: 'manual' | 'schedule'; userId?: number | null } & Partial<RunOptions>;

const toRun = (row: any): SyncRun => ({
  id: Number(row.id),
  destinationId: Number(row.destination_id),
  jobId: row.job_id === null ? null : Number(row.job_id),
  mode: row.mode,
  trigger: row.trigger,
  status: row.status,
  batches: Number(row.batches),
  sent: Number(row.sent),
  deleted: Number(row.deleted),
  rejected: Number(row.rejected),
  rejections: JSON.parse(row.rejections ?? '[]'),
  error: row.error ?? null,
  attempts: Number(row.attempts),
  watermark: readDate(row.watermark)!.toISOString(),
  startedAt: readDate(row.started_at)!.toISOString(),
  finishedAt: readDate(row.finished_at)?.toISOString() ?? null,
});

/** Why a run stopped, in words safe to show: the destination's own refusal, or a reference to the server log. */
const failureText = (error: unknown, log: { error(msg: string): void }, runId: number) => {
  if (error instanceof DeliveryError) return `the webhook ${error.message}`;
  if (error instanceof InjectedFailure || error instanceof ApiError) return error.message;
  const code = (error as { code?: string })?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EACCES|ENOENT|28P01|28000|3D000|ER_ACCESS_DENIED_ERROR|ER_BAD_DB_ERROR)$/.test(code)) {
    return `the destination could not be reached or refused the connection (${code})`;
  }
  return recordedFailure(error, log, `sync run #${runId}`).replace(/^internal: /, '');
};

/**
 * Sync runs as tracked jobs ('sync'): one run at a time per destination (a database lock across
 * nodes), on demand or on the destination's schedule (once across nodes, core/jobs/scheduler.ts).
 * A run that failed or whose process died is resumed by the next start, from its last committed
 * batch, with the same batch ids.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tracker = () => createJobTracker(knex(), strapi.log);
  const destinations = destinationStore(knex);
  const setting = <T>(name: string, fallback: T): T => strapi.config.get(`plugin::${PLUGIN_ID}.sync.${name}`, fallback) as T;
  const fileRoot = () => path.resolve(setting('fileRoot', path.join(strapi.dirs.app.root, '.tmp', 'sync')));

  const targetOf = (d: DestinationForRun): SyncTarget => {
    if (d.type === 'warehouse') return warehouseTarget(d.config as WarehouseSettings, d.secret);
    if (d.type === 'webhook') return webhookTarget(String(d.config.url), d.secret!);
    return fileDropTarget(path.join(fileRoot(), String(d.config.folder)), d.config.format as 'jsonl' | 'csv');
  };

  /** The run to continue: the destination's latest run if it did not finish (and is not under way), in a compatible mode. */
  const unfinished = async (destinationId: number, mode: SyncMode) => {
    const last = await knex()(TABLES.syncRuns).where({ destination_id: destinationId }).orderBy('id', 'desc').first();
    if (!last || last.status === 'success') return null;
    if (last.status === 'running' && last.job_id !== null && (await tracker().active('sync', (q) => q.where('id', last.job_id)))) {
      throw ApiError.conflict(`a sync of destination ${destinationId} is under way (job ${last.job_id})`);
    }
    // A full reload asked while an incremental run is unfinished starts afresh; anything else continues.
    if (mode === 'full' && last.mode !== 'full') {
      await knex()(TABLES.syncRuns)
        .where({ id: last.id })
        .update({ status: 'cancelled', error: last.error ?? 'superseded by a full reload', finished_at: bindDate(knex(), new Date()) });
      return null;
    }
    return last;
  };

  const finish = (runId: number, status: string, error: string | null) =>
    knex()(TABLES.syncRuns)
      .where({ id: runId })
      .update({ status, error, finished_at: bindDate(knex(), new Date()) });

  /** The job's work: run `runId` against the destination, under the destination's lock. */
  const work = (destination: DestinationForRun, runId: number, options: RunOptions) => async (ctx: JobContext) => {
    const outcome = await withLock(
      knex(),
      `sync:${destination.id}`,
      async () => {
        const target = targetOf(destination);
        try {
          await runSync(knex(), hostTables(strapi), runId, target, ctx, options);
          await finish(runId, 'success', null);
        } catch (error) {
          const cancelled = isCancellation(error);
          await finish(runId, cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled' : failureText(error, strapi.log, runId));
          if (cancelled) throw error;
          throw new ApiError(502, (await knex()(TABLES.syncRuns).where({ id: runId }).first('error')).error);
        } finally {
          await target.close().catch(() => undefined);
        }
        return toRun(await knex()(TABLES.syncRuns).where({ id: runId }).first());
      },
      { wait: false }
    );
    if (!outcome.acquired) {
      await finish(runId, 'failed', 'another node runs this destination now');
      throw ApiError.conflict(`a sync of destination ${destination.id} is under way on another node`);
    }
    return outcome.result;
  };

  /** Creates (or resumes) the run and its job; `background`: answer the job at once, else wait for it (schedules). */
  const begin = async (destinationId: number, options: StartOptions, background: boolean) => {
    const destination = await destinations.forRun(destinationId);
    const mode = options.mode ?? 'incremental';
    const resumed = await unfinished(destinationId, mode);
    const now = bindDate(knex(), new Date());
    let runId: number;
    if (resumed) {
      runId = Number(resumed.id);
      await knex()(TABLES.syncRuns)
        .where({ id: runId })
        .update({ status: 'running', error: null, finished_at: null, attempts: knex().raw('attempts + 1') });
    } else {
      const [inserted] = await knex()(TABLES.syncRuns).insert(
        { destination_id: destinationId, mode, trigger: options.trigger ?? 'manual', status: 'running', watermark: now, started_at: now },
        ['id']
      );
      runId = typeof inserted === 'object' ? Number(inserted.id) : Number(inserted);
    }
    const runOptions: RunOptions = {
      pageSize: options.pageSize ?? Number(setting('pageSize', PAGE_SIZE)),
      failAfterBatches: options.failAfterBatches,
    };
    const params = { destinationId, runId, mode: resumed ? resumed.mode : mode, resumed: Boolean(resumed) };
    const fn = work(destination, runId, runOptions);
    if (background) {
      const jobId = await tracker().start('sync', params, fn, options.userId ?? null);
      await knex()(TABLES.syncRuns).where({ id: runId }).update({ job_id: jobId });
      return { jobId, runId };
    }
    const jobId = await tracker().create('sync', params, options.userId ?? null);
    await knex()(TABLES.syncRuns).where({ id: runId }).update({ job_id: jobId });
    // A failure is on the run and the job already; the caller reads the run.
    await tracker()
      .run(jobId, fn)
      .catch(() => undefined);
    return { jobId, runId };
  };

  const scheduleName = (id: number) => `sync.${id}`;
  const scheduleOne = (d: { id: number; enabled: boolean; cron: string; timezone: string }) => {
    const scheduler = getService(strapi, 'scheduler');
    scheduler.unschedule(scheduleName(d.id));
    if (!d.enabled) return;
    scheduler.schedule({
      name: scheduleName(d.id),
      cron: d.cron,
      timezone: d.timezone,
      // Awaited, so the scheduler's lock covers the whole run: other nodes skip this tick.
      run: async () => {
        await begin(d.id, { trigger: 'schedule' }, false).catch((error) => strapi.log.warn(`[client-insights] sync ${d.id}: ${(error as Error).message}`));
      },
    });
  };

  return {
    list: () => destinations.list(),
    async create(body: CreateDestination, userId: number | null) {
      const created = await destinations.create(body, userId);
      scheduleOne(created);
      return created;
    },
    async update(id: number, body: UpdateDestination) {
      const updated = await destinations.update(id, body);
      scheduleOne(updated);
      return updated;
    },
    async remove(id: number) {
      const removed = await destinations.remove(id);
      getService(strapi, 'scheduler').unschedule(scheduleName(id));
      return removed;
    },

    /** Starts (or resumes) a run of the destination as a job; answers the job. Options beyond mode and user are for tests and benchmarks. */
    async start(destinationId: number, options: StartOptions = {}) {
      const { jobId } = await begin(destinationId, options, true);
      return (await tracker().get(jobId))!;
    },

    /** Runs (or resumes) a sync and waits for it; answers the run (benchmarks, scripts, tests). */
    async runNow(destinationId: number, options: StartOptions = {}) {
      const { runId } = await begin(destinationId, options, false);
      return toRun(await knex()(TABLES.syncRuns).where({ id: runId }).first());
    },

    async runs(destinationId: number) {
      await destinations.get(destinationId);
      return (await knex()(TABLES.syncRuns).where({ destination_id: destinationId }).orderBy('id', 'desc').limit(HISTORY)).map(toRun);
    },

    /** Bootstrap: each enabled destination on its schedule. */
    async scheduleAll() {
      for (const d of await destinations.list()) scheduleOne(d);
    },
  };
};
