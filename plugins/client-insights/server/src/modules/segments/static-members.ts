import type { Knex } from 'knex';
import { bindDate, withLock } from '../../core/db/dialect';
import { TABLES, type HostTables } from '../../core/db/tables';
import { segmentLockName } from './executor';
import { refreshPrimary } from './priority';
import type { MembershipEvents } from './change-trigger';

export type AddToStaticResult = 'added' | 'member' | 'not_static' | 'missing';

/**
 * Adds one customer to a static segment's frozen membership (an automation step), as a
 * re-evaluation moves one: into the current run's members under the segment's lock, with an enter
 * event, the member count and `segment.membership.changed`. A dynamic segment is refused (its rule
 * decides its members); a static one never materialised has no membership to add to ('missing').
 */
export const addToStatic = async (
  knex: Knex,
  tables: HostTables,
  segmentId: number,
  customerId: number,
  { now = new Date(), events }: { now?: Date; events?: MembershipEvents } = {}
): Promise<AddToStaticResult> => {
  const segment = await knex(tables.segments).where({ id: segmentId }).first('id', 'type');
  if (!segment || !(await knex(tables.customers).where({ id: customerId }).first('id'))) return 'missing';
  if (segment.type !== 'static') return 'not_static';
  const applied = await withLock(knex, segmentLockName(segmentId), () =>
    knex.transaction(async (trx) => {
      const current = await trx(TABLES.segmentCurrent).where({ segment_id: segmentId }).first('run_id');
      if (!current) return { result: 'missing' as const };
      const runId = Number(current.run_id);
      if (await trx(TABLES.segmentMembers).where({ segment_id: segmentId, run_id: runId, customer_id: customerId }).first('customer_id'))
        return { result: 'member' as const };
      await trx(TABLES.segmentMembers).insert({ segment_id: segmentId, run_id: runId, customer_id: customerId });
      await trx(TABLES.segmentEvents).insert({ segment_id: segmentId, customer_id: customerId, kind: 'enter', occurred_at: bindDate(trx, now), run_id: runId });
      await trx(tables.segments)
        .where('id', segmentId)
        .update({ member_count: trx.raw('coalesce(member_count, 0) + 1') });
      const announcement = { segmentId, runId, source: 'reevaluation' as const, entered: [customerId], exited: [] };
      await events?.within(trx, 'segment.membership.changed', announcement);
      return { result: 'added' as const, announcement };
    })
  );
  if (!applied.acquired) return 'missing';
  const { result, announcement } = applied.result as { result: AddToStaticResult; announcement?: any };
  if (announcement) {
    void events?.publish('segment.membership.changed', announcement);
    await refreshPrimary(knex, tables, { customerIds: [customerId] });
  }
  return result;
};
