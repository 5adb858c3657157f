import type { HistoryEntry, SegmentVersion, VersionDiff } from '../../../../../shared/contracts/segment-history';
import type { Member, UpdateSegmentInput } from '../../../../../shared/contracts/segments';
import { ApiError } from '../../../core/http/errors';
import { seesContact } from '../../../core/http/viewer';
import { checkRuleReads } from '../../../core/security/sensitive';
import { readDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { maskedPage, type Access } from '../access';
import type { SegmentsContext } from '../context';
import { ruleEngine } from '../rule-engine';
import { getRun, pagination, toResult, type Page } from '../runs';
import { canSee, type Viewer } from '../visibility';
import { ownerRolesOf } from '../../../core/security/visibility';
import { changedFields, changedSettings, diffRules } from './diff';
import { countIds, customersPage, membershipOf, minus, type RunRef } from './membership';
import { RESTORING } from './record';
import { backfill, getVersion, latestVersion, readVersions, type NameLookup } from './versions';

type Update = (viewer: Viewer, ref: number, input: UpdateSegmentInput) => Promise<Record<string, unknown>>;

/** A stored rule in canonical form, or as stored when it no longer validates (older data). */
const canonical = (rule: unknown) => {
  try {
    return ruleEngine().canonicalForm(rule as never);
  } catch {
    return rule;
  }
};

/**
 * Segment history (its reads and the restore): versions, the timeline of versions and runs, the
 * diff of two versions, and past runs' membership. Every read resolves the segment as the viewer
 * sees it (404 when hidden); a restore is the segments service's update, so its checks, duplicate
 * warnings and audit apply, and the version it writes is marked as the restore of the old one.
 */
export const createHistory = ({ strapi, knex, tables }: SegmentsContext, access: Access, update: Update) => {
  const names: NameLookup = async (ids) => {
    if (ids.length === 0) return new Map();
    const users = await strapi.db.query('admin::user').findMany({ where: { id: { $in: ids } }, select: ['id', 'firstname', 'lastname', 'username'] });
    return new Map(users.map((u: any) => [Number(u.id), [u.firstname, u.lastname].filter(Boolean).join(' ') || u.username || `#${u.id}`]));
  };

  /** The segment as the viewer sees it, with its versions backfilled. */
  const segmentOf = async (viewer: Viewer, ref: string) => {
    const { segment } = await access.resolve(viewer, ref);
    await backfill(knex(), tables(), segment.id);
    return segment;
  };

  const versionOf = async (segment: { id: number; key: string }, n: number): Promise<SegmentVersion> => {
    const found = await getVersion(knex(), segment.id, n, names);
    if (!found) throw ApiError.notFound(`version ${n} of segment "${segment.key}" not found`);
    return found;
  };

  /** A finished run of this segment with a membership; 404 for a run of another segment, 409 for one without members. */
  const runOf = async (segment: { id: number; key: string }, ref: string, path: string): Promise<RunRef> => {
    const run = await getRun(knex(), ref);
    if (!run || Number(run.segment_id) !== segment.id) throw ApiError.notFound(`result "${ref}" is not a run of segment "${segment.key}"`);
    if (run.status !== 'success' && run.status !== 'partial')
      throw ApiError.conflict(`result "${ref}" (${path.slice(1)}) is ${run.status}: it has no membership`);
    return { ...run, id: Number(run.id), segment_id: Number(run.segment_id) };
  };

  const requesterOf = (r: any, found: Map<number, string>) => {
    const id = r.requested_by_id === null || r.requested_by_id === undefined ? null : Number(r.requested_by_id);
    const type = (r.requested_by_type ?? 'system') as 'admin' | 'api' | 'system';
    return { type, id, name: type === 'admin' && id !== null ? (found.get(id) ?? null) : null };
  };

  return {
    /** Versions and runs in one timeline, newest first. */
    async history(viewer: Viewer, ref: string, page: Page): Promise<{ data: HistoryEntry[]; meta: { pagination: ReturnType<typeof pagination> } }> {
      const segment = await segmentOf(viewer, ref);
      const k = knex();
      const entries = k(TABLES.segmentVersions)
        .where('segment_id', segment.id)
        .select(k.raw("'version' as kind"), 'id', { at: 'created_at' })
        .unionAll([k(TABLES.segmentRuns).where('segment_id', segment.id).select(k.raw("'run' as kind"), 'id', { at: 'created_at' })]);
      const total = Number((await k.from(entries.clone().as('t')).count({ n: '*' }).first())?.n ?? 0);
      const rows = await k
        .from(entries.as('t'))
        .select('kind', 'id', 'at')
        .orderBy([
          { column: 'at', order: 'desc' },
          { column: 'kind', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize);
      const ids = (kind: string) => rows.filter((r: any) => r.kind === kind).map((r: any) => Number(r.id));
      const versionRows = ids('version').length ? await k(TABLES.segmentVersions).whereIn('id', ids('version')) : [];
      const runRows = ids('run').length ? await k(TABLES.segmentRuns).whereIn('id', ids('run')) : [];
      const versions = new Map((await readVersions(versionRows, names)).map((v, i) => [Number(versionRows[i].id), v]));
      const requesters = await names(
        runRows.filter((r: any) => r.requested_by_type === 'admin' && r.requested_by_id !== null).map((r: any) => Number(r.requested_by_id))
      );
      const runs = new Map(runRows.map((r: any) => [Number(r.id), r]));
      const data = rows.map((r: any): HistoryEntry => {
        const at = readDate(r.at)!.toISOString();
        if (r.kind === 'version') return { kind: 'version', at, version: versions.get(Number(r.id))! };
        const run = runs.get(Number(r.id));
        return { kind: 'run', at, run: toResult(run), requestedBy: requesterOf(run, requesters) };
      });
      return { data, meta: { pagination: pagination(page, total) } };
    },

    async version(viewer: Viewer, ref: string, n: number) {
      return versionOf(await segmentOf(viewer, ref), n);
    },

    /** What changed from version `from` to version `to` (the latest by default). */
    async diff(viewer: Viewer, ref: string, from: number, to?: number): Promise<VersionDiff> {
      const segment = await segmentOf(viewer, ref);
      const before = await versionOf(segment, from);
      const after = to === undefined ? (await latestVersion(knex(), segment.id))! : await versionOf(segment, to);
      const ruleBefore = canonical(before.state.rule);
      const ruleAfter = canonical(after.state.rule);
      return {
        from: before.version,
        to: after.version,
        settings: changedSettings(before.state, after.state),
        rule: diffRules(ruleBefore, ruleAfter),
        ruleBefore,
        ruleAfter,
      };
    },

    /** Writes version `n` back through the update path: a new version, marked as its restore. */
    async restore(viewer: Viewer, ref: string, n: number) {
      const segment = await segmentOf(viewer, ref);
      const old = await versionOf(segment, n);
      const latest = (await latestVersion(knex(), segment.id))!;
      const { state } = old;
      if (changedFields(latest.state, state).filter((f) => f !== 'key').length === 0)
        throw ApiError.conflict(`version ${n} is the current state of segment "${segment.key}"; nothing to restore`);
      checkRuleReads(state.rule, seesContact(viewer));
      // The visibility it would restore must leave the segment visible to the caller (a token sees `global` only):
      // otherwise the write would succeed and its answer be a 404.
      const restored = { visibility: state.visibility, ownerId: segment.ownerId };
      if (!canSee(viewer, restored, await ownerRolesOf(strapi, [restored])))
        throw ApiError.invalid([{ path: '', message: `version ${n} is ${state.visibility}: restoring it would hide the segment from you` }]);
      const ctx: any = strapi.requestContext.get();
      if (ctx?.state) ctx.state[RESTORING] = n;
      try {
        const saved = await update(viewer, segment.id, {
          name: state.name,
          description: state.description,
          type: state.type,
          rule: state.rule as UpdateSegmentInput['rule'],
          status: state.status,
          priority: state.priority,
          parent: state.parent?.id ?? null,
          schedule: state.schedule,
          ...(state.timezone ? { timezone: state.timezone } : {}),
          visibility: state.visibility,
        });
        return { data: saved, meta: { version: (await latestVersion(knex(), segment.id))! } };
      } finally {
        if (ctx?.state) delete ctx.state[RESTORING];
      }
    },

    /** The members right after a past run, paginated (history/membership.ts says from what). */
    async runMembers(viewer: Viewer, ref: string, runRef: string, page: Page) {
      const segment = await segmentOf(viewer, ref);
      const membership = await membershipOf(knex(), await runOf(segment, runRef, '/run'));
      const found = maskedPage(viewer, await customersPage(knex(), tables(), membership.ids, page, membership.count));
      return { data: found.data as Member[], meta: { pagination: found.meta.pagination, membership: membership.meta } };
    },

    /** Two runs compared: counts, and the customers `to` added (or removed) since `from`, paginated. */
    async compareRuns(viewer: Viewer, ref: string, query: Page & { from: string; to: string; change: 'added' | 'removed' }) {
      const segment = await segmentOf(viewer, ref);
      const k = knex();
      const from = await membershipOf(k, await runOf(segment, query.from, '/from'));
      const to = await membershipOf(k, await runOf(segment, query.to, '/to'));
      const added = minus(k, to.ids, from.ids);
      const removed = minus(k, from.ids, to.ids);
      const [fromCount, toCount] = [from.count, to.count];
      const addedCount = await countIds(k, added);
      const removedCount = await countIds(k, removed);
      const found = maskedPage(
        viewer,
        await customersPage(k, tables(), query.change === 'added' ? added : removed, query, query.change === 'added' ? addedCount : removedCount)
      );
      return {
        data: found.data as Member[],
        meta: {
          pagination: found.meta.pagination,
          counts: { from: fromCount, to: toCount, added: addedCount, removed: removedCount, kept: toCount - addedCount },
          from: from.meta,
          to: to.meta,
        },
      };
    },
  };
};
