import type { Knex } from 'knex';
import type { SegmentVersion, VersionState } from '../../../../../shared/contracts/segment-history';
import { bindDate, isUniqueViolation, readDate } from '../../../core/db/dialect';
import { TABLES, type HostTables } from '../../../core/db/tables';
import type { AuditActor } from '../../../core/audit/log';
import { storedJson } from '../../../core/security/stored-json';
import { findSegments, type SegmentRow } from '../repository';
import { changedFields } from './diff';

/**
 * The versions of a segment (ci_segment_versions): numbered from 1 per segment, each the whole
 * state it left (settings, rule, parent) with who wrote it, by which path, and what changed from
 * the version before. A write that changes none of these records nothing.
 */
export type VersionSource = SegmentVersion['source'];
export type VersionWrite = { actor: AuditActor; source: VersionSource; restoredFrom?: number | null };

export const stateOf = (s: SegmentRow, parentKey: string | null): VersionState => ({
  name: s.name,
  key: s.key,
  description: s.description,
  type: s.type,
  rule: s.rule,
  status: s.status,
  priority: s.priority,
  parent: s.parentId === null ? null : { id: s.parentId, key: parentKey ?? String(s.parentId) },
  schedule: s.scheduleCron,
  timezone: s.scheduleTimezone,
  visibility: s.visibility,
});

/** A segment's state now, by id or documentId (null when it does not exist). */
export const currentState = async (knex: Knex, tables: HostTables, where: { id: number } | { documentId: string }) => {
  const [row] = await findSegments(knex, tables, (q) => ('id' in where ? q.where('s.id', where.id) : q.where('s.document_id', where.documentId)));
  if (!row) return null;
  const parent = row.parentId === null ? null : ((await knex(tables.segments).where('id', row.parentId).first('key'))?.key ?? null);
  return { segmentId: row.id, state: stateOf(row, parent) };
};

const toVersion = (r: any, names: Map<number, string>): SegmentVersion => {
  const actorId = r.actor_id === null || r.actor_id === undefined ? null : Number(r.actor_id);
  return {
    version: Number(r.version),
    createdAt: readDate(r.created_at)!.toISOString(),
    actor: { type: r.actor_type, id: actorId, name: r.actor_type === 'admin' && actorId !== null ? (names.get(actorId) ?? null) : null },
    source: r.source,
    restoredFrom: r.restored_from === null || r.restored_from === undefined ? null : Number(r.restored_from),
    changed: storedJson(r.changed) as string[],
    state: storedJson(r.state) as VersionState,
  };
};

/** Display names of the admin users who wrote versions or asked for runs (never their email). */
export type NameLookup = (ids: number[]) => Promise<Map<number, string>>;
const noNames: NameLookup = async () => new Map();

export const readVersions = async (rows: any[], names: NameLookup = noNames) => {
  const found = await names([...new Set(rows.filter((r) => r.actor_type === 'admin' && r.actor_id !== null).map((r) => Number(r.actor_id)))]);
  return rows.map((r) => toVersion(r, found));
};

export const getVersion = async (knex: Knex, segmentId: number, version: number, names?: NameLookup): Promise<SegmentVersion | null> => {
  const row = await knex(TABLES.segmentVersions).where({ segment_id: segmentId, version }).first();
  return row ? (await readVersions([row], names))[0] : null;
};

export const latestVersion = async (knex: Knex, segmentId: number): Promise<SegmentVersion | null> => {
  const row = await knex(TABLES.segmentVersions).where('segment_id', segmentId).orderBy('version', 'desc').first();
  return row ? (await readVersions([row]))[0] : null;
};

/**
 * Records `state` as the segment's next version when it differs from the latest one (as the first
 * when there is none). Two writers racing for the same number: the loser takes the next one.
 */
export const recordVersion = async (knex: Knex, segmentId: number, state: VersionState, write: VersionWrite, now = new Date()): Promise<number | null> => {
  for (let attempt = 0; ; attempt += 1) {
    const latest = await latestVersion(knex, segmentId);
    const changed = latest ? changedFields(latest.state, state) : [];
    if (latest && changed.length === 0) return null;
    const version = (latest?.version ?? 0) + 1;
    try {
      // In a savepoint: on PostgreSQL a refused insert would otherwise abort the writer's transaction.
      await knex.transaction((sp) =>
        sp(TABLES.segmentVersions).insert({
          segment_id: segmentId,
          version,
          created_at: bindDate(knex, now),
          actor_type: write.actor.type,
          actor_id: write.actor.type === 'system' ? null : write.actor.id,
          source: write.source,
          restored_from: write.restoredFrom ?? null,
          state: JSON.stringify(state),
          changed: JSON.stringify(changed),
        })
      );
      return version;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
};

/**
 * A segment written before versions were kept gets version 1 from its state as it is (the first
 * read of its history, or just before its first change), by nobody in particular: `backfill`.
 */
export const backfill = async (knex: Knex, tables: HostTables, segmentId: number) => {
  if (await knex(TABLES.segmentVersions).where('segment_id', segmentId).first('id')) return;
  const current = await currentState(knex, tables, { id: segmentId });
  // A reader racing to backfill the same segment finds the other's version 1 equal (recordVersion).
  if (current) await recordVersion(knex, segmentId, current.state, { actor: { type: 'system' }, source: 'backfill' });
};
