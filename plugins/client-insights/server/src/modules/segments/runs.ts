import crypto from 'crypto';
import os from 'os';
import type { Knex } from 'knex';
import { bindDate, isUniqueViolation, leftJoinPastId, readDate } from '../../core/db/dialect';
import { readFailure } from '../../core/jobs/failure';
import { ACTIVE_STATUSES, clampProgress } from '../../core/jobs/status';
import type { SegmentResult } from '../../../../shared/contracts/segments';
import type { MaterialiseOutcome, Phase } from './materialise';
import { TABLES, type HostTables } from '../../core/db/tables';

/**
 * Run records (ci_segment_runs), shaped for the API like the requirement's SegmentResult
 * (shared/contracts/segments.ts), in the one job model (core/jobs/status.ts).
 */
export type { SegmentResult };
/** `values`: re-run because a value refresh changed the score.* fields its rule reads. */
export type Trigger = SegmentResult['trigger'];

const iso = (v: unknown) => readDate(v)?.toISOString() ?? null;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const toResult = (r: any): SegmentResult => ({
  executionId: r.execution_id,
  runId: Number(r.id),
  segmentId: Number(r.segment_id),
  trigger: r.trigger,
  status: r.status,
  phase: r.phase,
  progress: clampProgress(Number(r.progress)),
  cancelRequested: r.cancel_requested_at !== null && r.cancel_requested_at !== undefined,
  attempts: Number(r.attempts),
  createdAt: iso(r.created_at)!,
  executedAt: iso(r.executed_at),
  finishedAt: iso(r.finished_at),
  executionTime: numOrNull(r.execution_time_ms),
  customerCount: numOrNull(r.customer_count),
  skipped: numOrNull(r.skipped_count),
  changes:
    r.added_count === null || r.added_count === undefined
      ? null
      : { added: Number(r.added_count), removed: Number(r.removed_count), kept: Number(r.kept_count) },
  statistics:
    r.total_revenue === null || r.total_revenue === undefined
      ? null
      : {
          avgOrderValue: numOrNull(r.avg_order_value),
          totalRevenue: Number(r.total_revenue),
          orderCount: Number(r.order_count),
          churnRate: numOrNull(r.churn_rate),
        },
  ...readFailure(r.error),
  scheduleSlot: r.schedule_slot ?? null,
  node: r.node ?? null,
});

/** This process, as recorded on the runs it executes. */
export const NODE = `${os.hostname()}:${process.pid}`.slice(0, 100);

/** Creates a queued run; null when a run for the same schedule slot already exists (another node took the tick). */
/** Who asked for a run (segment history shows it); none for the system's own runs (schedules, value refreshes). */
export type RunRequester = { type: 'admin' | 'api'; id: number | null } | null;

export const createRun = async (knex: Knex, segmentId: number, trigger: Trigger, scheduleSlot: string | null = null, requestedBy: RunRequester = null) => {
  const executionId = crypto.randomUUID();
  try {
    await knex(TABLES.segmentRuns).insert({
      execution_id: executionId,
      segment_id: segmentId,
      trigger,
      status: 'queued',
      phase: 'queued',
      progress: 0,
      schedule_slot: scheduleSlot,
      requested_by_type: requestedBy?.type ?? null,
      requested_by_id: requestedBy?.id ?? null,
      attempts: 0,
      created_at: bindDate(knex, new Date()),
    });
  } catch (error) {
    if (scheduleSlot && isUniqueViolation(error)) return null;
    throw error;
  }
  return (await knex(TABLES.segmentRuns).where('execution_id', executionId).first())!;
};

export const getRun = async (knex: Knex, ref: string | number) => {
  const text = String(ref);
  return (
    (await knex(TABLES.segmentRuns)
      .where(/^\d+$/.test(text) ? { id: Number(text) } : { execution_id: text })
      .first()) ?? null
  );
};

/** Claims a queued (or interrupted running) run; 0 when it was cancelled or finished meanwhile. */
export const markRunning = async (knex: Knex, runId: number, now: Date): Promise<number> =>
  Number(
    await knex(TABLES.segmentRuns)
      .where('id', runId)
      .whereIn('status', ACTIVE_STATUSES)
      .update({
        status: 'running',
        phase: 'matching',
        progress: 0.05,
        attempts: knex.raw('attempts + 1'),
        executed_at: bindDate(knex, now),
        error: null,
        node: NODE,
      })
  );

/** `fraction`: 0..1. */
export const setProgress = (knex: Knex, runId: number, phase: Phase, fraction: number) =>
  knex(TABLES.segmentRuns)
    .where('id', runId)
    .update({ phase, progress: clampProgress(fraction) });

export const cancelRequested = async (knex: Knex, runId: number): Promise<boolean> => {
  const row = await knex(TABLES.segmentRuns).where('id', runId).first('cancel_requested_at');
  return row?.cancel_requested_at !== null && row?.cancel_requested_at !== undefined;
};

/**
 * Cancels a run: a queued one ends cancelled now; a running one is asked to stop at its next phase
 * (the executor then rolls it back and ends it cancelled). A finished run is left as it is.
 */
export const requestCancel = async (knex: Knex, runId: number) => {
  const at = bindDate(knex, new Date());
  await knex(TABLES.segmentRuns).where({ id: runId, status: 'queued' }).update({ status: 'cancelled', cancel_requested_at: at, finished_at: at });
  await knex(TABLES.segmentRuns).where({ id: runId, status: 'running' }).whereNull('cancel_requested_at').update({ cancel_requested_at: at });
};

export const markFinished = (trx: Knex, runId: number, outcome: MaterialiseOutcome, previousRunId: number | null, startedAt: Date) => {
  const finishedAt = new Date();
  return trx(TABLES.segmentRuns)
    .where('id', runId)
    .update({
      status: outcome.status,
      phase: 'done',
      progress: 1,
      previous_run_id: previousRunId,
      finished_at: bindDate(trx, finishedAt),
      execution_time_ms: finishedAt.getTime() - startedAt.getTime(),
      customer_count: outcome.customerCount,
      added_count: outcome.added,
      removed_count: outcome.removed,
      kept_count: outcome.kept,
      skipped_count: outcome.skipped,
      avg_order_value: outcome.statistics.avgOrderValue,
      total_revenue: outcome.statistics.totalRevenue,
      order_count: outcome.statistics.orderCount,
      churn_rate: outcome.statistics.churnRate,
      error: null,
      primary_pending: true,
    });
};

/** Ends a run `failed` (or `cancelled`) with its message; its membership was rolled back. */
export const markFailed = (knex: Knex, runId: number, message: string, startedAt: Date | null, status: 'failed' | 'cancelled' = 'failed') => {
  const finishedAt = new Date();
  return knex(TABLES.segmentRuns)
    .where('id', runId)
    .update({
      status,
      finished_at: bindDate(knex, finishedAt),
      execution_time_ms: startedAt ? finishedAt.getTime() - startedAt.getTime() : null,
      error: message.slice(0, 2000),
    });
};

export type Page = { page: number; pageSize: number };
export const pagination = (page: Page, total: number) => ({ page: page.page, pageSize: page.pageSize, total, pageCount: Math.ceil(total / page.pageSize) });

export const listRuns = async (knex: Knex, segmentIds: number[] | null, page: Page) => {
  const base = knex(TABLES.segmentRuns);
  if (segmentIds) base.whereIn('segment_id', segmentIds.length ? segmentIds : [-1]);
  const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
  const rows = await base
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  return { data: rows.map(toResult), meta: { pagination: pagination(page, total) } };
};

export type MemberFilter = 'added' | 'removed' | 'kept' | undefined;

/** Customer columns shown in member pages and exports (contact data is left out: it is sensitive). */
export const MEMBER_COLUMNS = ['id', 'documentId', 'name', 'region', 'stage', 'leadSource', 'totalSpent', 'orderCount', 'lastOrderAt'] as const;

/**
 * The customers of one run's snapshot, or of its added / removed / kept changes, with their
 * customer and metrics rows; past customer id `after` for a keyset page (ids start at 1).
 */
export const membersQuery = (knex: Knex, tables: HostTables, run: { id: number; segment_id: number }, filter: MemberFilter, after = 0) => {
  const ids =
    filter === 'added' || filter === 'removed'
      ? knex(TABLES.segmentChanges).select('customer_id').where({ run_id: run.id, change: filter })
      : knex(`${TABLES.segmentMembers} as x`)
          .select('x.customer_id')
          .where({ 'x.segment_id': run.segment_id, 'x.run_id': run.id })
          .modify((q) => {
            if (filter === 'kept')
              q.whereNotExists(
                knex(`${TABLES.segmentChanges} as ch`)
                  .select(knex.raw('1'))
                  .where({ 'ch.run_id': run.id, 'ch.change': 'added' })
                  .andWhere('ch.customer_id', knex.ref('x.customer_id'))
              );
          });
  const page = knex(ids.as('k')).where('k.customer_id', '>', after);
  leftJoinPastId(page, tables.customers, 'c', 'id', 'k.customer_id', after);
  return leftJoinPastId(page, TABLES.metrics, 'mt', 'customer_id', 'k.customer_id', after);
};

export const toMember = (r: any) => ({
  id: Number(r.customer_id),
  documentId: r.document_id ?? null,
  name: r.name ?? null,
  region: r.region ?? null,
  stage: r.stage ?? null,
  leadSource: r.lead_source ?? null,
  totalSpent: r.total_spent === null || r.total_spent === undefined ? 0 : Number(r.total_spent),
  orderCount: Number(r.order_count ?? 0),
  lastOrderAt: iso(r.last_order_at),
});

export const memberSelect = [
  'k.customer_id',
  'c.document_id',
  'c.name',
  'c.region',
  'c.stage',
  'c.lead_source',
  'mt.total_spent',
  'mt.order_count',
  'mt.last_order_at',
];

/** The number of members (or of those who entered / left / stayed) of a run. */
export const countMembers = async (knex: Knex, tables: HostTables, run: { id: number; segment_id: number }, filter: MemberFilter) =>
  Number((await membersQuery(knex, tables, run, filter).count({ n: '*' }).first())?.n ?? 0);

export const membersPage = async (knex: Knex, tables: HostTables, run: { id: number; segment_id: number }, filter: MemberFilter, page: Page) => {
  const q = membersQuery(knex, tables, run, filter);
  const total = await countMembers(knex, tables, run, filter);
  const rows = await q
    .select(memberSelect)
    .orderBy('k.customer_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  return { data: rows.map(toMember), meta: { pagination: pagination(page, total) } };
};

/** Pages of members by keyset (id > last), for streaming exports without holding all rows. */
export async function* memberBatches(knex: Knex, tables: HostTables, run: { id: number; segment_id: number }, filter: MemberFilter, batch = 1000) {
  let after = 0;
  for (;;) {
    const rows = await membersQuery(knex, tables, run, filter, after).select(memberSelect).orderBy('k.customer_id').limit(batch);
    if (rows.length === 0) return;
    yield rows.map(toMember);
    after = Number(rows[rows.length - 1].customer_id);
  }
}

/**
 * Keeps the member snapshots and change lists of the newest `retain` finished runs of a segment
 * (and always the current one); older ones are deleted in SQL. Run records themselves stay.
 */
export const pruneSnapshots = async (knex: Knex, segmentId: number, retain: number, currentRunId: number | null) => {
  const keep = await knex(TABLES.segmentRuns)
    .where('segment_id', segmentId)
    .whereIn('status', ['success', 'partial'])
    .orderBy('id', 'desc')
    .limit(Math.max(1, retain))
    .pluck('id');
  if (keep.length === 0) return;
  const oldestKept = Math.min(...keep.map(Number));
  await knex(TABLES.segmentMembers)
    .where('segment_id', segmentId)
    .where('run_id', '<', oldestKept)
    .modify((q) => currentRunId !== null && q.whereNot('run_id', currentRunId))
    .delete();
  // Earlier prunes already emptied older runs: only the runs that just fell out are looked at,
  // each by its primary-key prefix.
  const fallen = await knex(TABLES.segmentRuns)
    .where('segment_id', segmentId)
    .where('id', '<', oldestKept)
    .orderBy('id', 'desc')
    .limit(Math.max(1, retain) + 20)
    .pluck('id');
  if (fallen.length) await knex(TABLES.segmentChanges).whereIn('run_id', fallen.map(Number)).delete();
};
