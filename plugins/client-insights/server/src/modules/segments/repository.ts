import type { Knex } from 'knex';
import { readDate } from '../../core/db/dialect';
import { storedJson } from '../../core/security/stored-json';
import type { Rule } from '../rules/types';
import { TABLES, type HostTables } from '../../core/db/tables';
import { recomputePrimary } from './priority';

/** A segment as execution sees it (the Strapi `segments` row plus its parent and owner links). */
export type SegmentRow = {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  type: 'dynamic' | 'static';
  rule: Rule;
  status: 'active' | 'inactive' | 'draft';
  priority: number;
  parentId: number | null;
  ownerId: number | null;
  visibility: 'private' | 'team' | 'global';
  scheduleCron: string | null;
  scheduleTimezone: string | null;
  memberCount: number;
  lastCalculatedAt: Date | null;
};

const toRow = (r: any): SegmentRow => ({
  id: Number(r.id),
  documentId: r.document_id,
  key: r.key,
  name: r.name,
  description: r.description ?? null,
  type: r.type === 'static' ? 'static' : 'dynamic',
  rule: storedJson(r.rule),
  status: r.segment_status,
  priority: r.priority === null || r.priority === undefined ? 100 : Number(r.priority),
  parentId: r.parent_id === null || r.parent_id === undefined ? null : Number(r.parent_id),
  ownerId: r.owner_id === null || r.owner_id === undefined ? null : Number(r.owner_id),
  visibility: r.visibility ?? 'team',
  scheduleCron: r.schedule_cron || null,
  scheduleTimezone: r.schedule_timezone || null,
  memberCount: Number(r.member_count ?? 0),
  lastCalculatedAt: readDate(r.last_calculated_at),
});

export const segmentQuery = (knex: Knex, t: HostTables) =>
  knex(`${t.segments} as s`)
    .leftJoin(`${t.parent.table} as pl`, `pl.${t.parent.col}`, 's.id')
    .leftJoin(`${t.owner.table} as ol`, `ol.${t.owner.col}`, 's.id')
    .select('s.*', { parent_id: `pl.${t.parent.parentCol}`, owner_id: `ol.${t.owner.userCol}` });

export const findSegments = async (knex: Knex, t: HostTables, where?: (q: Knex.QueryBuilder) => void) => {
  const q = segmentQuery(knex, t).orderBy('s.id');
  where?.(q);
  return (await q).map(toRow);
};

/**
 * Deletes every plugin row of a segment whose Strapi row is deleted in the same transaction: its
 * current pointer, member snapshots, runs with their change lists, enter/exit events, its versions
 * (the audit log keeps the deleted state), and the primary segments it held (its members get their next one). The caller holds the segment's lock
 * and the primary-segments lock (see service.ts `remove`).
 */
export const deleteSegmentData = async (trx: Knex, tables: HostTables, segmentId: number) => {
  await trx(TABLES.segmentCurrent).where('segment_id', segmentId).delete();
  // Out of `current` (and of Strapi's table), the segment no longer ranks for its members.
  await recomputePrimary(trx, tables, { segmentId });
  await trx(TABLES.primarySegment).where('segment_id', segmentId).delete();
  await trx(TABLES.segmentChanges).whereIn('run_id', trx(TABLES.segmentRuns).select('id').where('segment_id', segmentId)).delete();
  await trx(TABLES.segmentEvents).where('segment_id', segmentId).delete();
  await trx(TABLES.segmentMembers).where('segment_id', segmentId).delete();
  await trx(TABLES.segmentRuns).where('segment_id', segmentId).delete();
  await trx(TABLES.segmentVersions).where('segment_id', segmentId).delete();
};
