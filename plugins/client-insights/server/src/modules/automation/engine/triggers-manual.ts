import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { besideTransaction } from '../../../core/db/dialect';
import { addCounts, emptyCounts, fireCandidates, type FireCounts } from './occurrences';
import { currentMembers } from './time-triggers';
import { activeVersions } from './versions';

export type ManualTarget = { customerIds: number[] } | { segmentId: number };

const PAGE = 1_000;

/**
 * Fires an active rule by hand or through the API, for some customers or a segment's current
 * members, under `manual:<requestKey>`: the same request repeated (a retried call) fires nothing
 * more. Null when the rule is not active. Any trigger type may be fired this way.
 */
export const fireManual = async (
  strapi: Core.Strapi,
  ruleDoc: string,
  target: ManualTarget,
  requestKey: string,
  now = new Date()
): Promise<FireCounts | null> => {
  const knex = strapi.db.connection as unknown as Knex;
  const version = (await activeVersions(knex)).find((v) => v.ruleDoc === ruleDoc);
  if (!version) return null;
  const triggerKey = `manual:${requestKey}`.slice(0, 200);
  const context = { event: 'manual', requestKey };
  const total = emptyCounts();
  const fire = (ids: number[]) =>
    knex.transaction((trx) =>
      fireCandidates(
        trx,
        version,
        ids.map((customerId) => ({ customerId, triggerKey, context })),
        now,
        besideTransaction(knex, trx)
      )
    );
  if ('customerIds' in target) {
    const ids = [...new Set(target.customerIds)];
    for (let i = 0; i < ids.length; i += PAGE) addCounts(total, await fire(ids.slice(i, i + PAGE)));
    return total;
  }
  let after = 0;
  for (;;) {
    const ids = ((await currentMembers(knex, target.segmentId).where('m.customer_id', '>', after).orderBy('m.customer_id').limit(PAGE)) as any[]).map((r) =>
      Number(r.customer_id)
    );
    if (!ids.length) break;
    addCounts(total, await fire(ids));
    after = ids[ids.length - 1];
  }
  return total;
};
