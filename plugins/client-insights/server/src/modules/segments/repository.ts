import type { Knex } from 'knex';
import { readDate } from '../../core/db/dialect';
import type { Rule } from '../rules/types';
import type { StrapiTables } from './tables';

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

const parseJson = (value: unknown): unknown => {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const toRow = (r: any): SegmentRow => ({
  id: Number(r.id),
  documentId: r.document_id,
  key: r.key,
  name: r.name,
  description: r.description ?? null,
  type: r.type === 'static' ? 'static' : 'dynamic',
  rule: parseJson(r.rule),
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

export const segmentQuery = (knex: Knex, t: StrapiTables) =>
  knex(`${t.segments} as s`)
    .leftJoin(`${t.parent.table} as pl`, `pl.${t.parent.col}`, 's.id')
    .leftJoin(`${t.owner.table} as ol`, `ol.${t.owner.col}`, 's.id')
    .select('s.*', { parent_id: `pl.${t.parent.parentCol}`, owner_id: `ol.${t.owner.userCol}` });

export const findSegments = async (knex: Knex, t: StrapiTables, where?: (q: Knex.QueryBuilder) => void) => {
  const q = segmentQuery(knex, t).orderBy('s.id');
  where?.(q);
  return (await q).map(toRow);
};

/** By numeric id, document id or key. */
export const findSegment = async (knex: Knex, t: StrapiTables, ref: string | number): Promise<SegmentRow | null> => {
  const text = String(ref);
  const rows = await findSegments(knex, t, (q) => {
    if (/^\d+$/.test(text)) q.where('s.id', Number(text));
    else q.where('s.document_id', text).orWhere('s.key', text);
  });
  return rows[0] ?? null;
};
