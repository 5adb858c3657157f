import type { Knex } from 'knex';
import { insertSelect } from '../../core/db/insert-select';
import { bindDate, withLock } from '../../core/db/dialect';
import { TABLES, type HostTables } from '../../core/db/tables';

/**
 * Each customer's primary segment: among the active segments whose current membership holds the
 * customer, the lowest priority number wins; ties go to the lowest segment id (deterministic).
 * Stored in ci_customer_primary_segment; recomputed in SQL for the customers a change touched.
 */
export type PrimaryScope = 'all' | { runId: number } | { customerIds: number[] } | { segmentId: number };

const scopeQuery = (knex: Knex, scope: Exclude<PrimaryScope, 'all'>) => {
  if ('runId' in scope) return knex(TABLES.segmentChanges).select('customer_id').where('run_id', scope.runId);
  if ('segmentId' in scope) return knex(TABLES.segmentMembers).select('customer_id').where('segment_id', scope.segmentId);
  return null;
};

export const recomputePrimary = async (knex: Knex, tables: HostTables, scope: PrimaryScope, now = new Date()) => {
  const ranked = knex(`${TABLES.segmentMembers} as m`)
    .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
    .join(`${tables.segments} as s`, 's.id', 'm.segment_id')
    .where('s.segment_status', 'active')
    .select('m.customer_id', { segment_id: 's.id' })
    .select(knex.raw('coalesce(s.priority, 100) as priority'))
    .select(knex.raw('row_number() over (partition by m.customer_id order by coalesce(s.priority, 100), s.id) as rn'));
  const apply = async (limit: (q: Knex.QueryBuilder, column: string) => void) => {
    const del = knex(TABLES.primarySegment);
    limit(del, 'customer_id');
    await del.delete();
    const q = ranked.clone();
    limit(q, 'm.customer_id');
    const firstRanked = knex
      .select('r.customer_id', 'r.segment_id', 'r.priority')
      .select(knex.raw('? as updated_at', [bindDate(knex, now)]))
      .from(q.as('r'))
      .where('r.rn', 1);
    await insertSelect(knex, TABLES.primarySegment, ['customer_id', 'segment_id', 'priority', 'updated_at'], firstRanked);
  };
  if (scope === 'all') return apply(() => undefined);
  if ('customerIds' in scope) {
    for (let i = 0; i < scope.customerIds.length; i += 1000) {
      const chunk = scope.customerIds.slice(i, i + 1000);
      await apply((q, column) => q.whereIn(column, chunk));
    }
    return;
  }
  // The scope subquery reads other tables than the one written, so MySQL accepts it.
  await apply((q, column) => q.whereIn(column, scopeQuery(knex, scope)!));
};

/** Held by every writer of primary segments, across all segments and nodes. */
export const PRIMARY_LOCK = 'segments:primary';

/**
 * Recomputes primary segments for `scope` in its own transaction, one writer at a time across all
 * segments and nodes: two runs touching the same customers would otherwise race on their rows.
 * Runs after a swap has committed, so every statement sees the newest current memberships.
 */
export const refreshPrimary = async (knex: Knex, tables: HostTables, scope: PrimaryScope, after?: (trx: Knex.Transaction) => Promise<unknown>) => {
  await withLock(knex, PRIMARY_LOCK, () =>
    knex.transaction(async (trx) => {
      await recomputePrimary(trx, tables, scope);
      await after?.(trx);
    })
  );
};
