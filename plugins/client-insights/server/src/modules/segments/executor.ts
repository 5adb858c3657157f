import type { Knex } from 'knex';
import { recordedFailure } from '../../core/jobs/failure';
import { besideTransaction, isStatementTimeout, isTransientError, withLock } from '../../core/db/dialect';
import type { EventBus } from '../../core/events/bus';
import { isCancellation, JobCancelledError } from '../../core/jobs/status';
import { observe } from '../../core/observe';
import type { SegmentsConfig } from './config';
import { effectiveRule } from './hierarchy';
import { currentRunId, materialise, type MaterialiseOutcome, type Phase } from './materialise';
import type { SegmentRow } from './repository';
import type { RuleEngine } from './rule-engine';
import {
  cancelRequested,
  createRun,
  type RunRequester,
  getRun,
  markFailed,
  markFinished,
  markRunning,
  pruneSnapshots,
  setProgress,
  toResult,
  type SegmentResult,
  type Trigger,
} from './runs';
import { refreshPrimary } from './priority';
import { createSemaphore } from '../../core/jobs/semaphore';
import { withRetry } from '../../core/db/retry';
import { TABLES, type HostTables } from '../../core/db/tables';
import { tuningOf } from '../rules/strategy';

/**
 * Runs segment executions: at most `maxConcurrent` per process, never the same segment twice at
 * once across all nodes (`segment:<id>` lock), each with a timeout and retries for transient
 * failures. A run's record is written before any work, so an interrupted run is found again by
 * `recover()` (queued or running, its segment lock free) and redone under the same record. A
 * cancel request is honoured before the run starts and between its phases: the transaction rolls
 * back and the run ends `cancelled`. A run that moved members announces `segment.membership.changed`.
 */
export type ExecutorDeps = {
  knex: Knex;
  tables: HostTables;
  engine: () => RuleEngine;
  config: () => SegmentsConfig;
  loadSegments: () => Promise<SegmentRow[]>;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /** Where runs announce membership changes (hooks in the run's commit, listeners after it). */
  events?: Pick<EventBus, 'within' | 'publish'>;
  /** Told of every run this process executed, once it ended (the audit of runs the system started). */
  onFinished?: (result: SegmentResult) => Promise<void>;
};

export class RunTimeoutError extends Error {
  constructor(ms: number, phase: Phase) {
    super(`timed out after ${ms} ms during phase "${phase}"; the previous membership is unchanged`);
  }
}

export const segmentLockName = (segmentId: number) => `segment:${segmentId}`;

/** A full run's membership change: counts (its ids are the run's ci_segment_changes rows). */
const announcement = (segmentId: number, runId: number, { added, removed }: MaterialiseOutcome) => ({
  segmentId,
  runId,
  source: 'run' as const,
  entered: added,
  exited: removed,
});

export const createExecutor = (deps: ExecutorDeps) => {
  const { knex } = deps;
  const limit = createSemaphore(() => deps.config().maxConcurrent);
  /** Executions started by this process and not settled yet (a shutdown lets them finish). */
  const inFlight = new Set<Promise<unknown>>();

  /** Executes run `runId` if it is still queued or running; we hold the segment's lock here. */
  const runLocked = async (runId: number): Promise<SegmentResult> => {
    const row = await getRun(knex, runId);
    if (!row) throw new Error(`run ${runId} disappeared`);
    if (row.status !== 'queued' && row.status !== 'running') return toResult(row);
    if (row.cancel_requested_at !== null && row.cancel_requested_at !== undefined) {
      await markFailed(knex, runId, `cancelled: ${new JobCancelledError(row.phase).message}`, null, 'cancelled');
      return toResult(await getRun(knex, runId));
    }
    const segments = await deps.loadSegments();
    const byId = new Map(segments.map((s) => [s.id, s]));
    const segment = byId.get(Number(row.segment_id));
    const startedAt = new Date();
    if (!segment) {
      await markFailed(knex, runId, 'refused: the segment no longer exists', null);
      return toResult(await getRun(knex, runId));
    }
    const { timeoutMs, retries, retryBaseMs, retainRuns } = deps.config();
    const deadline = startedAt.getTime() + timeoutMs;
    let phase: Phase = 'matching';
    // Zero rows: cancelled (or finished elsewhere) since it was read.
    if (!(await markRunning(knex, runId, startedAt))) return toResult(await getRun(knex, runId));
    let outcome: MaterialiseOutcome;
    try {
      outcome = await withRetry(
        async () => {
          const rule = effectiveRule(segment, byId);
          const choice = await deps.engine().chooseStrategy(knex, rule, startedAt);
          return materialise(knex, {
            segmentId: segment.id,
            runId,
            match: deps.engine().matchQuery(knex, rule, { now: startedAt, ...choice }),
            tuning: tuningOf(choice),
            now: startedAt,
            tables: deps.tables,
            remainingMs: () => deadline - Date.now(),
            onPhase: async (next, progress, trx) => {
              if (Date.now() > deadline) throw new RunTimeoutError(timeoutMs, phase);
              if (await cancelRequested(besideTransaction(knex, trx), runId)) throw new JobCancelledError(phase);
              phase = next;
              await setProgress(besideTransaction(knex, trx), runId, next, progress);
            },
            finish: async (trx, done, previousRunId) => {
              await markFinished(trx, runId, done, previousRunId, startedAt);
              if (done.added || done.removed) await deps.events?.within(trx, 'segment.membership.changed', announcement(segment.id, runId, done));
            },
          });
        },
        {
          attempts: retries,
          baseMs: retryBaseMs,
          isTransient: isTransientError,
          canWait: (ms) => Date.now() + ms < deadline,
          onRetry: (error, attempt, delay) =>
            deps.log.warn(
              `[client-insights] segment ${segment.key} run ${runId}: attempt ${attempt} failed (${(error as Error).message}); retrying in ${delay} ms`
            ),
        }
      );
    } catch (error) {
      if (isCancellation(error)) {
        deps.log.info(`[client-insights] segment ${segment.key} run ${runId} ${error.message}; the previous membership is unchanged`);
        await markFailed(knex, runId, `cancelled: ${error.message}`, startedAt, 'cancelled');
        return toResult(await getRun(knex, runId));
      }
      // Readers get a code and words; SQL and stack go to the log only (core/jobs/failure.ts).
      const failure = isStatementTimeout(error) ? new RunTimeoutError(timeoutMs, phase) : error;
      const message = recordedFailure(failure, deps.log, `segment ${segment.key} run ${runId}`, `during phase "${phase}": `);
      deps.log.error(`[client-insights] segment ${segment.key} run ${runId} ${message}`);
      await markFailed(knex, runId, message, startedAt);
      return toResult(await getRun(knex, runId));
    }
    if (outcome.added || outcome.removed) void deps.events?.publish('segment.membership.changed', announcement(segment.id, runId, outcome));
    await settlePrimary(runId);
    try {
      await pruneSnapshots(knex, segment.id, retainRuns, await currentRunId(knex, segment.id));
    } catch (error) {
      deps.log.warn(`[client-insights] segment ${segment.key}: pruning old snapshots failed: ${(error as Error).message}`);
    }
    return toResult(await getRun(knex, runId));
  };

  /** Primary segments of the run's changed customers; owed (primary_pending) until this commits. */
  const settlePrimary = async (runId: number) => {
    try {
      await refreshPrimary(knex, deps.tables, { runId }, (trx) => trx(TABLES.segmentRuns).where('id', runId).update({ primary_pending: false }));
    } catch (error) {
      deps.log.error(`[client-insights] primary segments after run ${runId}: ${(error as Error).message} (retried by recovery)`);
    }
  };

  /** Null when `wait` is false and another node or task holds the segment. */
  const process = (runId: number, segmentId: number, wait: boolean) => {
    const job = limit(async () => {
      const started = performance.now();
      const outcome = await withLock(knex, segmentLockName(segmentId), () => runLocked(runId), { wait });
      if (!outcome.acquired) return null;
      const { status, executionTime } = outcome.result;
      observe({ kind: 'segment.run', status, seconds: (executionTime ?? performance.now() - started) / 1000 });
      await deps.onFinished?.(outcome.result);
      return outcome.result;
    });
    inFlight.add(job);
    const settled = () => inFlight.delete(job);
    job.then(settled, settled);
    return job;
  };

  return {
    /**
     * Waits, at most `graceMs`, for the executions this process started: a graceful stop then
     * leaves no run for recovery to redo. Whether they settled comes back.
     */
    async drain(graceMs: number): Promise<boolean> {
      if (inFlight.size === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
      const settled = Promise.allSettled([...inFlight]).then(() => true as const);
      try {
        return await Promise.race([settled, expired]);
      } finally {
        clearTimeout(timer);
      }
    },

    /**
     * Queues a run of `segment` and executes it. With `wait` the finished result comes back;
     * otherwise the queued record (poll it for phase and progress). Null when `scheduleSlot` was
     * already taken, i.e. another node runs this tick.
     */
    async execute(
      segmentId: number,
      {
        trigger,
        wait = true,
        scheduleSlot = null,
        requestedBy = null,
      }: { trigger: Trigger; wait?: boolean; scheduleSlot?: string | null; requestedBy?: RunRequester }
    ): Promise<SegmentResult | null> {
      const run = await createRun(knex, segmentId, trigger, scheduleSlot, requestedBy);
      if (!run) return null;
      const job = process(Number(run.id), segmentId, true);
      if (wait) return (await job) ?? toResult(await getRun(knex, run.id));
      job.catch((error) => deps.log.error(`[client-insights] segment run ${run.id}: ${(error as Error).message}`));
      return toResult(run);
    },

    /**
     * Finds runs left queued or running by a process that died (their segment lock is free) and
     * redoes them under the same record. Safe on every node: a live run holds its lock.
     */
    async recover(): Promise<SegmentResult[]> {
      const owed = await knex(TABLES.segmentRuns).where('primary_pending', true).whereIn('status', ['success', 'partial']).orderBy('id').pluck('id');
      for (const runId of owed) await settlePrimary(Number(runId));
      const stale = await knex(TABLES.segmentRuns).whereIn('status', ['queued', 'running']).orderBy('id').select('id', 'segment_id');
      const done: SegmentResult[] = [];
      for (const run of stale) {
        const result = await process(Number(run.id), Number(run.segment_id), false);
        if (result) done.push(result);
      }
      return done;
    },
  };
};

export type Executor = ReturnType<typeof createExecutor>;
