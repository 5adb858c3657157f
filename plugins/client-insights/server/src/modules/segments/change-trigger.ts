import type { Knex } from 'knex';
import { createCoalescingTask } from '../../core/jobs/coalescing';
import { bindDate, withLock } from '../../core/db/dialect';
import type { EventBus } from '../../core/events/bus';
import { segmentLockName } from './executor';
import { dependencyOrder, effectiveRule } from './hierarchy';
import { refreshPrimary } from './priority';
import type { SegmentRow } from './repository';
import type { RuleEngine } from './rule-engine';
import { TABLES, type HostTables } from '../../core/db/tables';

/** Customers re-evaluated per statement: keeps `in (...)` lists under every driver's limits. */
const CHUNK = 500;

export type ReevaluationResult = { segments: number; entered: number; exited: number };
/** Where re-evaluations announce `segment.membership.changed` (the plugin's event bus). */
export type MembershipEvents = Pick<EventBus, 'within' | 'publish'>;

/**
 * Re-evaluates the active dynamic segments for some customers only (the rule's query limited to
 * them) and applies the difference to each segment's current membership in place, recording enter
 * and exit events for automation. Segments are visited parents and in_segment targets first, so a
 * dependent segment sees its dependencies' new membership. Customers whose facts are incomplete
 * (no metrics row yet) keep their membership; deleted customers leave. Each applied move is
 * announced as `segment.membership.changed` (hooks in its transaction, listeners after it).
 */
export const reevaluateCustomers = async (
  knex: Knex,
  tables: HostTables,
  engine: RuleEngine,
  segments: SegmentRow[],
  customerIds: number[],
  { now = new Date(), events }: { now?: Date; events?: MembershipEvents } = {}
): Promise<ReevaluationResult> => {
  const ids = [...new Set(customerIds.map(Number).filter((id) => Number.isInteger(id) && id > 0))];
  const byId = new Map(segments.map((s) => [s.id, s]));
  const dynamic = dependencyOrder(
    segments.filter((s) => s.type === 'dynamic' && s.status === 'active'),
    (rule) => engine.referencedSegmentKeys(rule)
  );
  const total: ReevaluationResult = { segments: 0, entered: 0, exited: 0 };
  if (ids.length === 0 || dynamic.length === 0) return total;
  // Never-materialised segments are skipped: their first run will include these customers.
  const materialised = new Set(
    (
      await knex(TABLES.segmentCurrent)
        .whereIn(
          'segment_id',
          dynamic.map((s) => s.id)
        )
        .pluck('segment_id')
    ).map(Number)
  );
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    // Existing customers, and whether their facts are complete (rollup row present).
    const existing = new Map<number, boolean>(
      (
        await knex(`${tables.customers} as c`)
          .leftJoin(`${TABLES.metrics} as m`, 'm.customer_id', 'c.id')
          .whereIn('c.id', chunk)
          .select('c.id', { facts: 'm.customer_id' })
      ).map((r: any) => [Number(r.id), r.facts !== null && r.facts !== undefined])
    );
    for (const segment of dynamic) {
      if (!materialised.has(segment.id)) continue;
      const rule = effectiveRule(segment, byId);
      // Read-only first: most changes move nobody, and then no lock or transaction is taken.
      if (!(await membershipDiff(knex, engine, segment.id, rule, chunk, existing, now))) continue;
      const applied = await withLock(knex, segmentLockName(segment.id), () =>
        knex.transaction(async (trx) => {
          const diff = await membershipDiff(trx, engine, segment.id, rule, chunk, existing, now);
          if (!diff) return null;
          const { runId, entered, exited } = diff;
          if (entered.length) await trx(TABLES.segmentMembers).insert(entered.map((customer_id) => ({ segment_id: segment.id, run_id: runId, customer_id })));
          if (exited.length) await trx(TABLES.segmentMembers).where({ segment_id: segment.id, run_id: runId }).whereIn('customer_id', exited).delete();
          const at = bindDate(trx, now);
          await trx(TABLES.segmentEvents).insert([
            ...entered.map((customer_id) => ({ segment_id: segment.id, customer_id, kind: 'enter', occurred_at: at, run_id: runId })),
            ...exited.map((customer_id) => ({ segment_id: segment.id, customer_id, kind: 'exit', occurred_at: at, run_id: runId })),
          ]);
          await trx(tables.segments)
            .where('id', segment.id)
            .update({ member_count: trx.raw('coalesce(member_count, 0) + ?', [entered.length - exited.length]) });
          await events?.within(trx, 'segment.membership.changed', announcement(segment.id, diff));
          return diff;
        })
      );
      if (!applied.acquired || !applied.result) continue;
      void events?.publish('segment.membership.changed', announcement(segment.id, applied.result));
      total.segments += 1;
      total.entered += applied.result.entered.length;
      total.exited += applied.result.exited.length;
      await refreshPrimary(knex, tables, { customerIds: [...applied.result.entered, ...applied.result.exited] });
    }
  }
  return total;
};

const announcement = (segmentId: number, { runId, entered, exited }: { runId: number; entered: number[]; exited: number[] }) => ({
  segmentId,
  runId,
  source: 'reevaluation' as const,
  entered,
  exited,
});

/**
 * Who of `chunk` enters or leaves the segment's current membership, in one statement (rule
 * matches and current members side by side). Null when nobody moves. Customers with incomplete
 * facts keep their membership; customers that no longer exist leave.
 */
const membershipDiff = async (knex: Knex, engine: RuleEngine, segmentId: number, rule: unknown, chunk: number[], existing: Map<number, boolean>, now: Date) => {
  const matches = engine.matchQuery(knex, rule, { now, customerIds: chunk }).select(knex.raw('1 as matched, 0 as present'));
  const members = knex(`${TABLES.segmentMembers} as sm`)
    .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'sm.segment_id').andOn('cur.run_id', 'sm.run_id'))
    .where('sm.segment_id', segmentId)
    .whereIn('sm.customer_id', chunk)
    .select({ customer_id: 'sm.customer_id' }, knex.raw('0 as matched, 1 as present'));
  const runRow = await knex(TABLES.segmentCurrent).where('segment_id', segmentId).first('run_id');
  if (!runRow) return null;
  const rows = await knex
    .select('u.customer_id')
    .max({ matched: 'u.matched', present: 'u.present' })
    .from(matches.unionAll(members).as('u'))
    .groupBy('u.customer_id');
  const complete = (id: number) => existing.get(id) === true;
  const entered: number[] = [];
  const exited: number[] = [];
  for (const r of rows as Array<{ customer_id: unknown; matched: unknown; present: unknown }>) {
    const id = Number(r.customer_id);
    const matched = Number(r.matched) === 1;
    const present = Number(r.present) === 1;
    if (matched && !present && complete(id)) entered.push(id);
    if (present && !matched && (complete(id) || !existing.has(id))) exited.push(id);
  }
  return entered.length || exited.length ? { runId: Number(runRow.run_id), entered, exited } : null;
};

/**
 * Customers whose facts changed and whose segment membership is still to be re-evaluated. Written
 * by the `customers.changed` hook, in the transaction that refreshes their facts, so a change is never
 * lost between the two: a crash leaves the rows for the next pass (at startup, on the next change
 * or on the once-a-minute job). Applying a pass twice is harmless: membership moves by diff.
 */
const PENDING_BATCH = 5000;

export const recordPendingChanges = async (trx: Knex, customerIds: number[], table: string = TABLES.segmentPending): Promise<void> => {
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    await trx(table).insert(customerIds.slice(i, i + CHUNK).map((customer_id) => ({ customer_id })));
  }
};

/**
 * Re-evaluates the pending customers `debounceMs` after the last change notice (at most one pass
 * at a time; a notice during a pass starts another). Rows are deleted only after their pass
 * applied; a failed pass leaves them for the next one. `table` holds the pending rows (the auto-tag
 * rules keep their own, tags/auto-runtime.ts).
 */
export const createChangeQueue = (
  knex: Knex,
  debounceMs: () => number,
  apply: (ids: number[]) => Promise<unknown>,
  onError: (error: Error) => void,
  table: string = TABLES.segmentPending
) => {
  let timer: NodeJS.Timeout | null = null;

  const pass = async () => {
    for (;;) {
      const rows: Array<{ id: number; customer_id: number }> = await knex(table).select('id', 'customer_id').orderBy('id').limit(PENDING_BATCH);
      if (rows.length === 0) return;
      await apply([...new Set(rows.map((r) => Number(r.customer_id)))]);
      const ids = rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += CHUNK)
        await knex(table)
          .whereIn('id', ids.slice(i, i + CHUNK))
          .delete();
    }
  };

  const passes = createCoalescingTask(pass, onError);
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    return passes.request();
  };

  return {
    /** Some customers' facts changed (already recorded as pending): re-evaluate after the debounce. */
    notify() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), debounceMs());
      // A debounce never keeps a process alive: what it would apply is in the table.
      timer.unref();
    },
    /** Applies whatever is pending now (startup, the once-a-minute job). */
    flush,
    /** Resolves once no pass is scheduled or running and one pass found nothing left (tests, shutdown). */
    async idle() {
      while (timer || passes.busy()) await flush();
      await flush();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
};
