import type { Knex } from 'knex';
import { bindDate, withLock } from '../db/dialect';
import { segmentLockName } from './executor';
import { dependencyOrder, effectiveRule } from './hierarchy';
import { refreshPrimary } from './priority';
import type { SegmentRow } from './repository';
import type { RuleEngine } from './rule-engine';
import { T, type StrapiTables } from './tables';

/** Customers re-evaluated per statement: keeps `in (...)` lists under every driver's limits. */
const CHUNK = 500;

export type ReevaluationResult = { segments: number; entered: number; exited: number };

/**
 * Re-evaluates the active dynamic segments for some customers only (the rule's query limited to
 * them) and applies the difference to each segment's current membership in place, recording enter
 * and exit events for automation. Segments are visited parents and in_segment targets first, so a
 * dependent segment sees its dependencies' new membership. Customers whose facts are incomplete
 * (no metrics row yet) keep their membership; deleted customers leave.
 */
export const reevaluateCustomers = async (
  knex: Knex,
  tables: StrapiTables,
  engine: RuleEngine,
  segments: SegmentRow[],
  customerIds: number[],
  now = new Date()
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
  const materialised = new Set((await knex(T.current).whereIn('segment_id', dynamic.map((s) => s.id)).pluck('segment_id')).map(Number));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    // Existing customers, and whether their facts are complete (rollup row present).
    const existing = new Map<number, boolean>(
      (await knex(`${tables.customers} as c`).leftJoin(`${T.metrics} as m`, 'm.customer_id', 'c.id').whereIn('c.id', chunk).select('c.id', { facts: 'm.customer_id' })).map((r: any) => [
        Number(r.id),
        r.facts !== null && r.facts !== undefined,
      ])
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
          if (entered.length) await trx(T.members).insert(entered.map((customer_id) => ({ segment_id: segment.id, run_id: runId, customer_id })));
          if (exited.length) await trx(T.members).where({ segment_id: segment.id, run_id: runId }).whereIn('customer_id', exited).delete();
          const at = bindDate(trx, now);
          await trx(T.events).insert([
            ...entered.map((customer_id) => ({ segment_id: segment.id, customer_id, kind: 'enter', occurred_at: at, run_id: runId })),
            ...exited.map((customer_id) => ({ segment_id: segment.id, customer_id, kind: 'exit', occurred_at: at, run_id: runId })),
          ]);
          await trx(tables.segments).where('id', segment.id).update({ member_count: trx.raw('coalesce(member_count, 0) + ?', [entered.length - exited.length]) });
          return diff;
        })
      );
      if (!applied.acquired || !applied.result) continue;
      total.segments += 1;
      total.entered += applied.result.entered.length;
      total.exited += applied.result.exited.length;
      await refreshPrimary(knex, tables, { customerIds: [...applied.result.entered, ...applied.result.exited] });
    }
  }
  return total;
};

/**
 * Who of `chunk` enters or leaves the segment's current membership, in one statement (rule
 * matches and current members side by side). Null when nobody moves. Customers with incomplete
 * facts keep their membership; customers that no longer exist leave.
 */
const membershipDiff = async (
  knex: Knex,
  engine: RuleEngine,
  segmentId: number,
  rule: unknown,
  chunk: number[],
  existing: Map<number, boolean>,
  now: Date
) => {
  const matches = engine.matchQuery(knex, rule, { now, customerIds: chunk }).select(knex.raw('1 as matched, 0 as present'));
  const members = knex(`${T.members} as sm`)
    .join(`${T.current} as cur`, (j) => j.on('cur.segment_id', 'sm.segment_id').andOn('cur.run_id', 'sm.run_id'))
    .where('sm.segment_id', segmentId)
    .whereIn('sm.customer_id', chunk)
    .select({ customer_id: 'sm.customer_id' }, knex.raw('0 as matched, 1 as present'));
  const runRow = await knex(T.current).where('segment_id', segmentId).first('run_id');
  if (!runRow) return null;
  const rows = await knex.select('u.customer_id').max({ matched: 'u.matched', present: 'u.present' }).from(matches.unionAll(members).as('u')).groupBy('u.customer_id');
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
 * Gathers customer ids from change events and re-evaluates them after `debounceMs` of quiet
 * (at most one pass at a time; ids arriving meanwhile go to the next pass).
 */
export const createChangeQueue = (debounceMs: () => number, apply: (ids: number[]) => Promise<unknown>, onError: (error: Error) => void) => {
  let pending = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const flush = async () => {
    timer = null;
    if (running) await running;
    if (pending.size === 0) return;
    const ids = [...pending];
    pending = new Set();
    running = apply(ids)
      .then(() => undefined)
      .catch(onError)
      .finally(() => {
        running = null;
      });
    await running;
  };
  return {
    add(ids: number[]) {
      for (const id of ids) if (Number.isInteger(Number(id))) pending.add(Number(id));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), debounceMs());
    },
    /** Resolves once nothing is pending or running (tests, shutdown). */
    async idle() {
      while (timer || running || pending.size) {
        if (timer) {
          clearTimeout(timer);
          await flush();
        } else if (running) await running;
        else await flush();
      }
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
};
