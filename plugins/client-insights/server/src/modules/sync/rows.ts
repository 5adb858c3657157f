import crypto from 'crypto';
import type { Knex } from 'knex';
import type { SyncKind } from '../../../../shared/contracts/sync';
import { readDate } from '../../core/db/dialect';
import { TABLES, type HostTables } from '../../core/db/tables';

/**
 * The rows a destination receives, per kind, read for one page of customers (ids in `(after,
 * upTo]`, `upTo` null: to the end) so a run never holds more than a page in memory. Values are
 * normalised (numbers as numbers, times as ISO text) so that the same row always has the same
 * fingerprint on every database, and a destination sees the same JSON from every source.
 */
export type SyncRow = Record<string, string | number | null>;
export type KeyedRow = { key: string; customerId: number; row: SyncRow };

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown) => readDate(v)?.toISOString() ?? null;

/** The natural key of each kind: the destination's primary key, and the ledger's row_key. */
export const KEY_COLUMNS: Record<SyncKind, readonly string[]> = {
  scores: ['customer_id'],
  tags: ['customer_id', 'tag_id'],
  members: ['segment_id', 'customer_id'],
};

/** The columns of each kind, keys first (the warehouse's tables and the CSV header). */
export const COLUMNS: Record<SyncKind, readonly string[]> = {
  scores: [
    'customer_id',
    'r',
    'f',
    'm',
    'rfm',
    'rfm_segment',
    'quadrant',
    'clv',
    'churn_risk',
    'renewal_probability',
    'upsell_probability',
    'model_version',
    'calculated_at',
  ],
  tags: ['customer_id', 'tag_id', 'tag_name', 'source', 'confidence', 'assigned_at', 'expires_at'],
  members: ['segment_id', 'customer_id'],
};

export const keyOf = (kind: SyncKind, row: SyncRow) => KEY_COLUMNS[kind].map((c) => row[c]).join(':');
export const fingerprint = (row: SyncRow) => crypto.createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 43);

const inRange = (q: Knex.QueryBuilder, column: string, after: number, upTo: number | null) => {
  q.where(column, '>', after);
  if (upTo !== null) q.where(column, '<=', upTo);
  return q;
};

/** The source's rows of `kind` for customers in (after, upTo], normalised, keyed. */
export const readPage = async (knex: Knex, host: HostTables, kind: SyncKind, after: number, upTo: number | null): Promise<KeyedRow[]> => {
  let rows: SyncRow[];
  if (kind === 'scores') {
    const raw = await inRange(knex(TABLES.scores), 'customer_id', after, upTo).orderBy('customer_id').select(COLUMNS.scores);
    rows = raw.map((r: any) => ({
      customer_id: Number(r.customer_id),
      r: num(r.r),
      f: num(r.f),
      m: num(r.m),
      rfm: num(r.rfm),
      rfm_segment: r.rfm_segment ?? null,
      quadrant: r.quadrant ?? null,
      clv: num(r.clv),
      churn_risk: num(r.churn_risk),
      renewal_probability: num(r.renewal_probability),
      upsell_probability: num(r.upsell_probability),
      model_version: r.model_version ?? null,
      calculated_at: iso(r.calculated_at),
    }));
  } else if (kind === 'tags') {
    const raw = await inRange(knex(`${TABLES.customerTags} as ct`), 'ct.customer_id', after, upTo)
      .leftJoin(`${host.tags} as t`, 't.id', 'ct.tag_id')
      .orderBy(['ct.customer_id', 'ct.tag_id'])
      .select('ct.customer_id', 'ct.tag_id', 't.name as tag_name', 'ct.source', 'ct.confidence', 'ct.created_at', 'ct.expires_at');
    rows = raw.map((r: any) => ({
      customer_id: Number(r.customer_id),
      tag_id: Number(r.tag_id),
      tag_name: r.tag_name ?? null,
      source: r.source,
      confidence: num(r.confidence),
      assigned_at: iso(r.created_at),
      expires_at: iso(r.expires_at),
    }));
  } else {
    // Current membership: the members of the run each segment's pointer names.
    const raw = await inRange(knex(`${TABLES.segmentMembers} as m`), 'm.customer_id', after, upTo)
      .join(`${TABLES.segmentCurrent} as c`, function () {
        this.on('c.segment_id', 'm.segment_id').andOn('c.run_id', 'm.run_id');
      })
      .orderBy(['m.customer_id', 'm.segment_id'])
      .select('m.segment_id', 'm.customer_id');
    rows = raw.map((r: any) => ({ segment_id: Number(r.segment_id), customer_id: Number(r.customer_id) }));
  }
  return rows.map((row) => ({ key: keyOf(kind, row), customerId: Number(row.customer_id), row }));
};

/**
 * The end of the page of `size` customers after `after`: the size-th next customer id, or null
 * when fewer are left (the last page reaches to the end, so rows of deleted customers beyond the
 * last id are covered too).
 */
export const pageEnd = async (knex: Knex, host: HostTables, after: number, size: number): Promise<number | null> => {
  const row = await knex(host.customers)
    .where('id', '>', after)
    .orderBy('id')
    .offset(size - 1)
    .first('id');
  return row ? Number(row.id) : null;
};

/** What changed in a page against the ledger: rows to upsert (new or different) and keys to delete (gone from the source). */
export const diffPage = (source: KeyedRow[], ledger: Map<string, string>) => {
  const upserts: (KeyedRow & { fingerprint: string })[] = [];
  const seen = new Set<string>();
  for (const item of source) {
    seen.add(item.key);
    const fp = fingerprint(item.row);
    if (ledger.get(item.key) !== fp) upserts.push({ ...item, fingerprint: fp });
  }
  const deletes = [...ledger.keys()].filter((key) => !seen.has(key));
  return { upserts, deletes };
};

/** A deleted key as the row of its key columns (the warehouse's delete, the webhook's and file's `deletes`). */
export const keyRow = (kind: SyncKind, key: string): SyncRow => {
  const parts = key.split(':');
  return Object.fromEntries(KEY_COLUMNS[kind].map((c, i) => [c, Number(parts[i])]));
};
