import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { bindDate, readDate } from '../../../core/db/dialect';
import { UID } from '../../../core/constants';
import { hostTables, TABLES } from '../../../core/db/tables';
import type { EventBus } from '../../../core/events/bus';
import { invalidateVersions } from './versions';

/**
 * The inbox writers: every event an automation may trigger on is written to ci_automation_inbox
 * in the transaction of the write that caused it (entity-manager lifecycles join the writer's
 * transaction; event-bus hooks run inside it), so the event and the change commit together and a
 * crash loses neither. The engine (triggers.ts) turns the rows into occurrences and deletes them.
 */
export type InboxEvent = { event: string; customerId: number | null; ref: string; payload: Record<string, unknown>; occurredAt: Date };

export const recordEvents = async (trx: Knex, events: InboxEvent[]): Promise<void> => {
  if (!events.length) return;
  const rows = events.map((e) => ({
    event: e.event,
    customer_id: e.customerId,
    ref: e.ref.slice(0, 100),
    payload: JSON.stringify(e.payload),
    occurred_at: bindDate(trx, e.occurredAt),
  }));
  for (let i = 0; i < rows.length; i += 500) await trx(TABLES.automationInbox).insert(rows.slice(i, i + 500));
};

/** `interaction.<type>` for interactions just created (ref = interaction id). */
const interactionEvents = async (strapi: Core.Strapi, trx: Knex, ids: number[]): Promise<InboxEvent[]> => {
  if (!ids.length) return [];
  const t = hostTables(strapi);
  const rows = await trx(`${t.interactions} as i`)
    .join(`${t.interactionCustomer.table} as il`, `il.${t.interactionCustomer.interaction}`, 'i.id')
    .leftJoin(`${t.interactionCampaign.table} as cl`, `cl.${t.interactionCampaign.interaction}`, 'i.id')
    .whereIn('i.id', ids)
    .select(
      'i.id',
      'i.type',
      'i.channel',
      'i.occurred_at',
      { customer_id: `il.${t.interactionCustomer.customer}` },
      { campaign_id: `cl.${t.interactionCampaign.campaign}` }
    );
  return rows.map((r: any) => {
    const occurredAt = readDate(r.occurred_at) ?? new Date();
    return {
      event: `interaction.${r.type}`,
      customerId: Number(r.customer_id),
      ref: String(r.id),
      payload: {
        type: r.type,
        channel: r.channel ?? null,
        campaignId: r.campaign_id == null ? null : Number(r.campaign_id),
        occurredAt: occurredAt.toISOString(),
      },
      occurredAt,
    };
  });
};

type Snapshot = Map<number, string | null>;

export const registerInboxWriters = (strapi: Core.Strapi, bus: EventBus) => {
  const inWriterTransaction = async (fn: (trx: Knex) => Promise<void>): Promise<void> => {
    await strapi.db.transaction(async ({ trx }) => {
      await fn(trx as unknown as Knex);
    });
  };

  /** A column's value per row matched by a where (before an update), or for ids (after it). */
  const snapshot = async (uid: string, column: string, where: unknown): Promise<Snapshot> => {
    if (where === undefined || where === null) return new Map();
    const rows = await strapi.db.query(uid as any).findMany({ where: where as any, select: ['id', column] });
    return new Map(rows.map((r: any) => [Number(r.id), r[column] ?? null]));
  };
  const idOf = (result: unknown): number[] => {
    const id = (result as { id?: unknown } | null)?.id;
    return typeof id === 'number' ? [id] : [];
  };
  const manyIds = (result: unknown): number[] => ((result as { ids?: unknown[] })?.ids ?? []).filter((id): id is number => typeof id === 'number');

  // Interactions: one event per created interaction.
  const interactionCreated = (ids: number[]) => inWriterTransaction(async (trx) => recordEvents(trx, await interactionEvents(strapi, trx, ids)));

  // Customers' stage and orders' payment status: the value before an update, compared after it.
  const before = (column: string) => async (event: any) => {
    event.state.before = await snapshot(event.model.uid, column, event.params?.where);
  };
  const changedRows = async (event: any, column: string, ids: number[]) => {
    const prior = (event.state.before as Snapshot | undefined) ?? new Map();
    const after = await snapshot(event.model.uid, column, { id: { $in: [...new Set([...prior.keys(), ...ids])] } });
    return [...after].filter(([id, value]) => prior.has(id) && prior.get(id) !== value).map(([id, value]) => ({ id, from: prior.get(id) ?? null, to: value }));
  };

  const stageChanged = (event: any, ids: number[]) =>
    inWriterTransaction(async (trx) => {
      const now = new Date();
      const moved = await changedRows(event, 'stage', ids);
      await recordEvents(
        trx,
        moved.map((m) => ({ event: 'stage.changed', customerId: m.id, ref: `${m.id}:${now.getTime()}`, payload: { from: m.from, to: m.to }, occurredAt: now }))
      );
    });

  const ordersPaid = (orderIds: number[]) =>
    inWriterTransaction(async (trx) => {
      if (!orderIds.length) return;
      const t = hostTables(strapi);
      const rows = await trx(`${t.orders} as o`)
        .join(`${t.orderCustomer.table} as ol`, `ol.${t.orderCustomer.order}`, 'o.id')
        .whereIn('o.id', orderIds)
        .where('o.payment_status', 'paid')
        .select('o.id', 'o.amount', 'o.kind', { customer_id: `ol.${t.orderCustomer.customer}` });
      const now = new Date();
      await recordEvents(
        trx,
        rows.map((r: any) => ({
          event: 'order.paid',
          customerId: Number(r.customer_id),
          // An order is paid once: a second "paid" of the same order is the same event.
          ref: String(r.id),
          payload: { orderId: Number(r.id), amount: r.amount === null ? null : Number(r.amount), kind: r.kind },
          occurredAt: now,
        }))
      );
    });
  const becamePaid = async (event: any, ids: number[]) =>
    ordersPaid((await changedRows(event, 'payment_status', ids)).filter((m) => m.to === 'paid').map((m) => m.id));

  strapi.db.lifecycles.subscribe({
    models: [UID.interaction],
    afterCreate: (event: any) => interactionCreated(idOf(event.result)),
    afterCreateMany: (event: any) => interactionCreated(manyIds(event.result)),
  });
  strapi.db.lifecycles.subscribe({
    models: [UID.customer],
    beforeUpdate: before('stage'),
    afterUpdate: (event: any) => stageChanged(event, idOf(event.result)),
    beforeUpdateMany: before('stage'),
    afterUpdateMany: (event: any) => stageChanged(event, []),
  });
  strapi.db.lifecycles.subscribe({
    models: [UID.order],
    afterCreate: (event: any) => ordersPaid(idOf(event.result)),
    afterCreateMany: (event: any) => ordersPaid(manyIds(event.result)),
    beforeUpdate: before('payment_status'),
    afterUpdate: (event: any) => becamePaid(event, idOf(event.result)),
    beforeUpdateMany: before('payment_status'),
    afterUpdateMany: (event: any) => becamePaid(event, []),
  });
  // A rule written on this node is seen at once; other nodes within the cache's few seconds.
  strapi.db.lifecycles.subscribe({
    models: [UID.automationRule],
    afterCreate: invalidateVersions,
    afterUpdate: invalidateVersions,
    afterUpdateMany: invalidateVersions,
    afterDelete: invalidateVersions,
    afterDeleteMany: invalidateVersions,
  });

  // A run: one row for the whole run (its enter/exit rows are read from ci_segment_events when
  // processed, so a run of 100,000 writes one inbox row). A re-evaluation: a row per customer.
  bus.hook('segment.membership.changed', async (trx, { segmentId, runId, source, entered, exited }) => {
    const now = new Date();
    if (source === 'run' && runId !== null) {
      const last = await trx(TABLES.segmentEvents).where({ segment_id: segmentId, run_id: runId }).max({ id: 'id' }).first();
      await recordEvents(trx, [
        { event: 'segment.run', customerId: null, ref: String(runId), payload: { segmentId, runId, lastEventId: Number(last?.id ?? 0) }, occurredAt: now },
      ]);
      return;
    }
    const ids = [...(Array.isArray(entered) ? entered : []), ...(Array.isArray(exited) ? exited : [])];
    if (!ids.length) return;
    // The event rows just written: each customer's latest enter/exit of this segment.
    const rows: any[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...(await trx(TABLES.segmentEvents)
          .where('segment_id', segmentId)
          .whereIn('customer_id', ids.slice(i, i + 500))
          .groupBy('customer_id', 'kind')
          .select('customer_id', 'kind')
          .max({ id: 'id' }))
      );
    }
    const wanted = new Set([
      ...(Array.isArray(entered) ? entered.map((id) => `${id}:enter`) : []),
      ...(Array.isArray(exited) ? exited.map((id) => `${id}:exit`) : []),
    ]);
    await recordEvents(
      trx,
      rows
        .filter((r) => wanted.has(`${Number(r.customer_id)}:${r.kind}`))
        .map((r) => ({ event: `segment.${r.kind}`, customerId: Number(r.customer_id), ref: String(r.id), payload: { segmentId }, occurredAt: now }))
    );
  });

  // A value refresh: one row for the run, like a segment run; the customers whose quadrant moved
  // since the run published before it are read from the two runs' history when processed
  // (ci_value_score_history keeps at least two runs).
  bus.hook('values.refreshed', async (trx, { runId }) => {
    const previous = await trx(TABLES.valueRuns).where('status', 'success').where('id', '<', runId).max({ id: 'id' }).first();
    if (!previous?.id) return;
    await recordEvents(trx, [
      { event: 'values.run', customerId: null, ref: String(runId), payload: { runId, previousRunId: Number(previous.id) }, occurredAt: new Date() },
    ]);
  });

  // Known customers only: a tag applied to a set chosen in SQL (segment, auto rule) announces no ids.
  bus.hook('tags.changed', async (trx, { tagId, customerIds, added, removed }) => {
    if (!customerIds?.length) return;
    const now = new Date();
    const holding = new Map<number, Date | null>();
    for (let i = 0; i < customerIds.length; i += 500) {
      const rows = await trx(TABLES.customerTags)
        .where('tag_id', tagId)
        .whereIn('customer_id', customerIds.slice(i, i + 500))
        .select('customer_id', 'created_at');
      for (const r of rows as any[]) holding.set(Number(r.customer_id), readDate(r.created_at));
    }
    const events: InboxEvent[] = [];
    for (const id of new Set(customerIds)) {
      const since = holding.get(id);
      // Keyed by the assignment's creation: naming a customer who already held the tag repeats its key (no second firing).
      if (added > 0 && since !== undefined)
        events.push({ event: 'tag.applied', customerId: id, ref: `${tagId}:${id}:${since?.getTime() ?? 0}`, payload: { tagId }, occurredAt: now });
      if (removed > 0 && since === undefined)
        events.push({ event: 'tag.removed', customerId: id, ref: `${tagId}:${id}:${now.getTime()}`, payload: { tagId }, occurredAt: now });
    }
    await recordEvents(trx, events);
  });
};
