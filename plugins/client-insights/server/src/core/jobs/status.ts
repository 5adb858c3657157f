import { ACTIVE_JOB_STATUSES, TRACKER_PHASES, type JobStatus } from '../../../../shared/enums';

/**
 * One job model for every long task of the plugin (segment runs in ci_segment_runs, tracked jobs
 * in ci_jobs such as value refreshes): the same status words, a `phase` word naming the step under
 * way (each kind has its own, the admin translates them), `progress` as a FRACTION from 0 to 1
 * (never a percentage), and cancellation.
 *
 * Cancelling: a queued job ends `cancelled` at once; a running one gets a cancel request and ends
 * `cancelled` at its next check (between phases or batches), its work rolled back or discarded, so
 * nothing more changes. A job past its last check (publishing, swapping) finishes normally. The
 * request is a column of the job's row, so any node can cancel a job another node runs; on SQLite
 * a request waits for the running job's open transaction (the file's one connection).
 *
 * The statuses and the tracker's phases are declared with the API contracts (shared/enums.ts).
 */
export { TRACKER_PHASES, type JobStatus };

/** Statuses of a job still to finish (what recovery and "one at a time" look at). */
export const ACTIVE_STATUSES: JobStatus[] = [...ACTIVE_JOB_STATUSES];

/** Progress as stored and answered: a fraction in [0, 1]. */
export const clampProgress = (fraction: number) => Math.min(Math.max(Number.isFinite(fraction) ? fraction : 0, 0), 1);

/** Thrown at a job's check when a cancel was requested; the job then ends `cancelled`. */
export class JobCancelledError extends Error {
  constructor(phase: string | null) {
    super(phase ? `cancelled during phase "${phase}"` : 'cancelled');
    this.name = 'JobCancelledError';
  }
}

export const isCancellation = (error: unknown): error is JobCancelledError => error instanceof JobCancelledError;
