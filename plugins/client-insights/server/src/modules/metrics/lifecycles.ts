import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../../core/constants';
import { HOST_TABLES as H } from '../../core/db/tables';
import { markDirty, type MetricsQueue } from './queue';

/**
 * Marks the customers whose metrics a write to customers, orders or interactions may change,
 * whatever the write came through (admin, REST, GraphQL, seed, `strapi.db.query`): every one of
 * them ends in the entity manager, which runs these lifecycles.
 *
 * Before a write we mark the customers the rows belong to now (an order moved away, a deleted
 * customer's referrer); after it, the ones they belong to then. Marking before the write also
 * covers a write made outside any transaction (`strapi.db.query` directly): the mark is already
 * durable when the row changes, so a crash in between still leaves it to the startup drain.
 */
type Kind = 'customer' | 'order' | 'interaction';

const KIND_OF: Record<string, Kind> = {
  [UID.customer]: 'customer',
  [UID.order]: 'order',
  [UID.interaction]: 'interaction',
};

/** Relations of a customer whose payload moves rows that belong to (or point at) other customers. */
const CUSTOMER_RELATIONS: Record<string, Kind> = { orders: 'order', interactions: 'interaction', referrals: 'customer' };

/** Ids named in a relation payload at the entity-manager level: 5, [5], {id}, {connect|disconnect|set: [...]}. */
export const relationIds = (value: unknown): number[] => {
  if (value === null || value === undefined) return [];
  if (typeof value === 'number') return Number.isInteger(value) ? [value] : [];
  if (typeof value === 'string') return /^\d+$/.test(value) ? [Number(value)] : [];
  if (Array.isArray(value)) return value.flatMap(relationIds);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const nested = ['connect', 'disconnect', 'set'].flatMap((key) => relationIds(record[key]));
    return 'id' in record ? [...relationIds(record.id), ...nested] : nested;
  }
  return [];
};

/** Customers whose metrics depend on these rows (read inside the writer's transaction). */
const customersOf = async (trx: Knex, kind: Kind, rowIds: number[]): Promise<number[]> => {
  if (rowIds.length === 0) return [];
  if (kind === 'customer') {
    // A customer's own row, and its referrer's referral_count.
    const referrers = await trx(H.referrer.table).whereIn(H.referrer.customer, rowIds).pluck(H.referrer.referrer);
    return [...rowIds, ...referrers];
  }
  const link =
    kind === 'order'
      ? { table: H.orderCustomer.table, row: H.orderCustomer.order, customer: H.orderCustomer.customer }
      : { table: H.interactionCustomer.table, row: H.interactionCustomer.interaction, customer: H.interactionCustomer.customer };
  return trx(link.table).whereIn(link.row, rowIds).pluck(link.customer);
};

/** Customers touched through relation payloads of a customer write (orders/interactions/referrals moved to it). */
const customersOfPayload = async (trx: Knex, kind: Kind, data: unknown): Promise<number[]> => {
  if (kind !== 'customer' || !data || typeof data !== 'object') return [];
  const found: number[] = [];
  for (const [attribute, target] of Object.entries(CUSTOMER_RELATIONS)) {
    const value = (data as Record<string, unknown>)[attribute];
    if (value !== undefined) found.push(...(await customersOf(trx, target, relationIds(value))));
  }
  return found;
};

type State = { rowIds?: number[]; customers?: number[] };

/**
 * Drains started by writes are at least this far apart. A drain costs a dozen statements however
 * few marks it holds, so under a stream of writes (the automation worker records each send) the
 * writes of 0.1 s share one instead of each commit starting the next; a lone write drains at once.
 */
const DRAIN_SPACING_MS = 100;

export const registerMetricsLifecycles = (strapi: Core.Strapi, queue: MetricsQueue) => {
  let lastDrainAt = 0;
  let timer: NodeJS.Timeout | null = null;
  const drainSoon = () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = null;
        lastDrainAt = Date.now();
        queue.drain().catch((error) => strapi.log.error(`[client-insights] metrics drain failed: ${(error as Error).message}`));
      },
      Math.max(0, lastDrainAt + DRAIN_SPACING_MS - Date.now())
    );
    // Not kept alive for it: marks left at exit are drained at the next start.
    timer.unref?.();
  };

  /** Runs `fn` in the writer's transaction (or a new one) and drains once that commits. */
  const inWriterTransaction = (fn: (trx: Knex) => Promise<void>) =>
    strapi.db.transaction(async ({ trx, onCommit }) => {
      await fn(trx as unknown as Knex);
      onCommit(drainSoon);
    });

  const rowIdsOf = async (uid: string, where: unknown): Promise<number[]> => {
    if (where === undefined || where === null) return [];
    const rows = await strapi.db.query(uid as any).findMany({ where: where as any, select: ['id'] });
    return rows.map((row: { id: number }) => row.id);
  };

  const before = async (event: any, { withRows }: { withRows: boolean }) => {
    const kind = KIND_OF[event.model.uid];
    const state = event.state as State;
    await inWriterTransaction(async (trx) => {
      const rowIds = withRows ? await rowIdsOf(event.model.uid, event.params?.where) : [];
      const customers = [...(await customersOf(trx, kind, rowIds)), ...(await customersOfPayload(trx, kind, event.params?.data))];
      state.rowIds = rowIds;
      state.customers = customers;
      await markDirty(trx, customers);
    });
  };

  const after = async (event: any, resultIds: number[]) => {
    const kind = KIND_OF[event.model.uid];
    const state = event.state as State;
    await inWriterTransaction(async (trx) => {
      const rowIds = [...new Set([...(state.rowIds ?? []), ...resultIds])];
      // After a delete the rows are gone: the customers captured before are marked again
      // (a write outside a transaction may have been drained between the two marks).
      const customers = [...(state.customers ?? []), ...(await customersOf(trx, kind, rowIds)), ...(await customersOfPayload(trx, kind, event.params?.data))];
      await markDirty(trx, customers);
    });
  };

  const idOf = (result: unknown): number[] => {
    const id = (result as { id?: unknown } | null)?.id;
    return typeof id === 'number' ? [id] : [];
  };

  strapi.db.lifecycles.subscribe({
    models: Object.keys(KIND_OF),
    beforeCreate: (event) => before(event, { withRows: false }),
    afterCreate: (event) => after(event, idOf(event.result)),
    beforeCreateMany: (event) => before(event, { withRows: false }),
    afterCreateMany: (event) =>
      after(
        event,
        ((event.result as { ids?: number[] })?.ids ?? []).filter((id) => typeof id === 'number')
      ),
    beforeUpdate: (event) => before(event, { withRows: true }),
    afterUpdate: (event) => after(event, idOf(event.result)),
    beforeUpdateMany: (event) => before(event, { withRows: true }),
    afterUpdateMany: (event) => after(event, []),
    beforeDelete: (event) => before(event, { withRows: true }),
    afterDelete: (event) => after(event, []),
    beforeDeleteMany: (event) => before(event, { withRows: true }),
    afterDeleteMany: (event) => after(event, []),
  });
};
