/**
 * Loads the facts the JS evaluator decides on, for one customer (events, automation) or a page of
 * customers: a handful of indexed queries per page, reading the same tables the SQL compiler does.
 */
import type { Knex } from 'knex';
import { bindDate, readDate } from '../../core/db/dialect';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { FIELDS } from './catalogue';
import { hashColumnOf, hashFact } from './encrypted';
import type { CustomerFacts, FieldDef } from './types';

export type LoadFactsOptions = { now: Date };

const PAGE = 500;
const fieldsOf = (group: FieldDef['group']) => FIELDS.filter((f) => f.group === group);
const nameOf = (f: FieldDef) => f.path.slice(f.path.indexOf('.') + 1);

/** A stored value as the rule language sees it (decimals arrive as strings from pg/mysql2). */
const asValue = (field: FieldDef, value: unknown): unknown => {
  if (value === null || value === undefined) return field.count ? 0 : null;
  if (field.type === 'datetime') return readDate(value);
  if (field.type === 'number') return Number(value);
  return String(value);
};

/** A group's facts; an encrypted field's fact is its hash (rules/encrypted.ts), never the plaintext. */
const record = (group: FieldDef['group'], row: Record<string, unknown> | undefined) =>
  Object.fromEntries(fieldsOf(group).map((f) => [nameOf(f), f.encrypted ? hashFact(row?.[nameOf(f)], row?.[hashColumnOf(f)]) : asValue(f, row?.[nameOf(f)])]));

const byCustomer = <T>(rows: Array<{ customer_id: unknown } & T>) => {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const id = Number(row.customer_id);
    if (!map.has(id)) map.set(id, []);
    map.get(id)!.push(row);
  }
  return map;
};

const loadPage = async (knex: Knex, ids: number[], now: Date, into: Map<number, CustomerFacts>) => {
  const customerColumns = fieldsOf('customer')
    .filter((f) => f.path !== 'customer.owner')
    .flatMap((f) => (f.encrypted ? [`c.${nameOf(f)}`, `c.${hashColumnOf(f)}`] : [`c.${nameOf(f)}`]));
  const [customers, owners, metrics, scores, tags, segments, events, orders] = await Promise.all([
    knex
      .select('c.id', ...customerColumns)
      .from(`${H.customers} as c`)
      .whereIn('c.id', ids),
    knex.select('customer_id').min({ owner: 'user_id' }).from(H.customerOwner.table).whereIn('customer_id', ids).groupBy('customer_id'),
    knex.select('*').from(TABLES.metrics).whereIn('customer_id', ids),
    knex.select('*').from(TABLES.scores).whereIn('customer_id', ids),
    knex
      .select('ct.customer_id', 't.slug')
      .from(`${TABLES.customerTags} as ct`)
      .join(`${H.tags} as t`, 't.id', 'ct.tag_id')
      .whereIn('ct.customer_id', ids)
      .andWhere((q) => q.whereNull('ct.expires_at').orWhere('ct.expires_at', '>', bindDate(knex, now) as any)),
    knex
      .select('sm.customer_id', 'sg.key')
      .from(`${TABLES.segmentMembers} as sm`)
      .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'sm.segment_id').andOn('cur.run_id', 'sm.run_id'))
      .join(`${H.segments} as sg`, 'sg.id', 'sm.segment_id')
      .whereIn('sm.customer_id', ids),
    knex
      .select('il.customer_id', 'i.type', 'i.occurred_at')
      .from(`${H.interactions} as i`)
      .join(`${H.interactionCustomer.table} as il`, 'il.interaction_id', 'i.id')
      .whereIn('il.customer_id', ids),
    knex
      .select('ol.customer_id', 'o.amount', { status: 'o.payment_status' }, 'o.kind', 'o.ordered_at')
      .from(`${H.orders} as o`)
      .join(`${H.orderCustomer.table} as ol`, 'ol.order_id', 'o.id')
      .whereIn('ol.customer_id', ids),
  ]);
  const ownerOf = new Map(owners.map((r: any) => [Number(r.customer_id), r.owner === null ? null : Number(r.owner)]));
  const metricsOf = new Map(metrics.map((r: any) => [Number(r.customer_id), r]));
  const scoresOf = new Map(scores.map((r: any) => [Number(r.customer_id), r]));
  const tagsOf = byCustomer<{ slug: string }>(tags);
  const segmentsOf = byCustomer<{ key: string }>(segments);
  const eventsOf = byCustomer<{ type: string; occurred_at: unknown }>(events);
  const ordersOf = byCustomer<{ amount: unknown; status: string; kind: string; ordered_at: unknown }>(orders);
  // A missing date stays "not in any window" (NaN compares false, as NULL does in SQL).
  const date = (value: unknown) => readDate(value) ?? new Date(NaN);
  for (const row of customers as Array<Record<string, unknown>>) {
    const id = Number(row.id);
    into.set(id, {
      customer: { ...record('customer', row), owner: ownerOf.get(id) ?? null },
      metrics: record('metrics', metricsOf.get(id)),
      score: record('score', scoresOf.get(id)),
      tags: (tagsOf.get(id) ?? []).map((t) => t.slug),
      segments: (segmentsOf.get(id) ?? []).map((s) => s.key),
      events: (eventsOf.get(id) ?? []).map((e) => ({ type: e.type, occurred_at: date(e.occurred_at) })),
      orders: (ordersOf.get(id) ?? []).map((o) => ({
        amount: o.amount === null ? 0 : Number(o.amount),
        status: o.status,
        kind: o.kind,
        ordered_at: date(o.ordered_at),
      })),
    });
  }
};

/** Facts of several customers (paged by 500 ids); absent ids are absent from the map. */
export const loadFactsMany = async (knex: Knex, ids: number[], { now }: LoadFactsOptions): Promise<Map<number, CustomerFacts>> => {
  const facts = new Map<number, CustomerFacts>();
  for (let i = 0; i < ids.length; i += PAGE) await loadPage(knex, ids.slice(i, i + PAGE), now, facts);
  return facts;
};

/** One customer's facts, or null when there is no such customer. */
export const loadFacts = async (knex: Knex, customerId: number, options: LoadFactsOptions): Promise<CustomerFacts | null> =>
  (await loadFactsMany(knex, [customerId], options)).get(customerId) ?? null;
