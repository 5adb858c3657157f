import type { Core } from '@strapi/strapi';
import { keyFromName } from '../../../../shared/keys';
import { UID } from '../../core/constants';
import { isUniqueViolation, withLock } from '../../core/db/dialect';
import { getService } from '../../get-service';
import { createAccess } from './access';
import { createContext } from './context';
import { segmentLockName, type Executor } from './executor';
import { checkPlacement } from './hierarchy';
import { currentRunId } from './materialise';
import { PRIMARY_LOCK, refreshPrimary } from './priority';
import { createReadModels, view } from './read-models';
import { deleteSegmentData, findSegments, type SegmentRow } from './repository';
import { ruleEngine } from './rule-engine';
import { getRun, requestCancel, toResult, type RunRequester } from './runs';
import { createHistory } from './history/service';
import { actorOf } from '../../core/audit/documents';
import { createRuntime } from './runtime';
import { addToStatic } from './static-members';
import { resolveSchedule } from './schedule';
import type { CreateSegmentInput, UpdateSegmentInput } from '../../../../shared/contracts/segments';
import { ApiError, prefixed } from '../../core/http/errors';
import { securityConfig } from '../../core/security/config';
import type { Viewer } from './visibility';

/**
 * Keys are unique across all segments, including those the caller may not see: a taken key gets
 * one answer whoever holds it, naming neither the segment nor its owner (docs/architecture.md).
 */
const keyUnavailable = (key: string) => ApiError.invalid([{ path: '/key', message: `key "${key}" is not available; choose another key` }]);

/**
 * The key is unique in the database (migration 304): a create that lost a race to another with the
 * same key fails there, or in Strapi's own uniqueness check of `uid` fields; either is a 400 on /key.
 */
const keyTaken = (error: unknown, key: string) => {
  const e = error as { name?: string; details?: { errors?: Array<{ path?: string[]; message?: string }> } };
  const strapiUnique = e?.name === 'ValidationError' && (e.details?.errors ?? []).some((d) => d.path?.[0] === 'key' && /unique/i.test(d.message ?? ''));
  return isUniqueViolation(error) || strapiUnique ? keyUnavailable(key) : error;
};

/**
 * The segments service: create, update, remove and execute here; what the viewer may see in
 * access.ts, what the API reads in read-models.ts, the executor, schedules and change trigger in
 * runtime.ts.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const context = createContext(strapi);
  const { knex, tables } = context;
  const access = createAccess(context);
  const readModels = createReadModels(context, access);
  const runtime = createRuntime(context);

  const validateRule = (rule: unknown) => {
    const result = ruleEngine().validateRule(rule);
    if (!result.valid) throw ApiError.invalid(prefixed('/rule', result.errors));
  };

  const checkHierarchy = (candidate: Pick<SegmentRow, 'id' | 'key' | 'type' | 'rule' | 'parentId'>, all: SegmentRow[]) => {
    const errors = checkPlacement(
      candidate,
      all.filter((s) => s.id !== candidate.id),
      (r) => ruleEngine().referencedSegmentKeys(r)
    );
    if (errors.length) throw ApiError.invalid(errors);
  };

  const scheduleOf = (type: string, schedule: string | null | undefined, timezone: string | undefined) => {
    if (schedule === undefined || schedule === null) return { schedule_cron: null as string | null, schedule_timezone: timezone ?? 'UTC' };
    if (type === 'static') throw ApiError.invalid([{ path: '/schedule', message: 'static segments keep their frozen membership and cannot be scheduled' }]);
    const resolved = resolveSchedule(schedule, timezone ?? 'UTC', securityConfig(strapi).minScheduleMinutes);
    if ('error' in resolved)
      throw ApiError.invalid([{ path: timezone && /time zone/.test(resolved.error) ? '/timezone' : '/schedule', message: resolved.error }]);
    return { schedule_cron: resolved.cron, schedule_timezone: timezone ?? 'UTC' };
  };

  const documentIdOf = async (uid: string, id: number) =>
    (await strapi.db.query(uid as any).findOne({ where: { id }, select: ['documentId'] }))?.documentId as string | undefined;

  const reload = async (id: number) => (await findSegments(knex(), tables(), (q) => q.where('s.id', id)))[0];

  /** The saved rule's warnings (analysis, and segments with the same rule other than itself). */
  const warningsFor = async (viewer: Viewer, segment: SegmentRow) =>
    (await getService(strapi, 'rules').check(viewer, segment.rule, { excludeSegmentId: segment.id })).warnings;

  /** Who asked for a run started by this request (none outside a request: the system). */
  const requester = (): RunRequester => {
    const actor = actorOf(strapi.requestContext.get());
    return actor.type === 'system' ? null : actor;
  };

  const api = {
    ...readModels,
    /** Every segment and those the viewer may see (other modules name only the latter). */
    visibleSegments: access.visibleSegments,

    async create(viewer: Viewer, input: CreateSegmentInput) {
      validateRule(input.rule);
      await getService(strapi, 'rules').refuseUnseen(viewer, input.rule);
      const { all, visible } = await access.visibleSegments(viewer);
      let key = input.key;
      if (key && all.some((s) => s.key === key)) throw keyUnavailable(key);
      if (!key) {
        const base = keyFromName(input.name, 'segment');
        key = base;
        for (let i = 2; all.some((s) => s.key === key); i += 1) key = `${base}-${i}`;
      }
      let parent: SegmentRow | null = null;
      if (input.parent !== undefined && input.parent !== null) {
        parent = visible.find((s) => String(s.id) === String(input.parent) || s.documentId === input.parent || s.key === input.parent) ?? null;
        if (!parent) throw ApiError.invalid([{ path: '/parent', message: `parent segment "${input.parent}" not found` }]);
      }
      const schedule = scheduleOf(input.type, input.schedule, input.timezone);
      checkHierarchy({ id: -1, key, type: input.type, rule: input.rule, parentId: parent?.id ?? null }, all);
      const data: Record<string, unknown> = {
        name: input.name,
        key,
        description: input.description ?? null,
        type: input.type,
        rule: input.rule,
        segment_status: input.status,
        priority: input.priority,
        visibility: input.visibility,
        ...schedule,
        member_count: 0,
      };
      if (parent) data.parent = parent.documentId;
      if (viewer.kind === 'admin') data.owner = await documentIdOf('admin::user', viewer.userId);
      const doc = await strapi
        .documents(UID.segment as any)
        .create({ data: data as any })
        .catch((error: unknown) => {
          throw keyTaken(error, key!);
        });
      const created = (await findSegments(knex(), tables(), (q) => q.where('s.document_id', doc.documentId)))[0];
      let result: Awaited<ReturnType<Executor['execute']>> = null;
      if (created.type === 'static' || input.execute) {
        result = await runtime.executor().execute(created.id, { trigger: 'create', wait: true, requestedBy: requester() });
      }
      await runtime.resync();
      return { ...view(await reload(created.id)), currentResult: result, warnings: await warningsFor(viewer, created) };
    },

    async update(viewer: Viewer, ref: string | number, input: UpdateSegmentInput) {
      const { segment, all, visible } = await access.resolve(viewer, ref);
      if (input.rule !== undefined) {
        validateRule(input.rule);
        await getService(strapi, 'rules').refuseUnseen(viewer, input.rule);
      }
      const type = input.type ?? segment.type;
      let parentId = segment.parentId;
      let parentDoc: string | null | undefined;
      if (input.parent !== undefined) {
        if (input.parent === null) {
          parentId = null;
          parentDoc = null;
        } else {
          const parent = visible.find((s) => String(s.id) === String(input.parent) || s.documentId === input.parent || s.key === input.parent);
          if (!parent) throw ApiError.invalid([{ path: '/parent', message: `parent segment "${input.parent}" not found` }]);
          parentId = parent.id;
          parentDoc = parent.documentId;
        }
      }
      const data: Record<string, unknown> = {};
      for (const k of ['name', 'description', 'type', 'rule', 'priority', 'visibility'] as const) {
        if (input[k] !== undefined) data[k] = input[k];
      }
      // The API's `status` is the type's segment_status (Strapi reserves `status`).
      if (input.status !== undefined) data.segment_status = input.status;
      if (input.schedule !== undefined || input.timezone !== undefined || (type === 'static' && segment.scheduleCron)) {
        const wanted = input.schedule !== undefined ? input.schedule : type === 'static' ? null : segment.scheduleCron;
        Object.assign(data, scheduleOf(type, wanted, input.timezone ?? segment.scheduleTimezone ?? undefined));
      }
      checkHierarchy({ id: segment.id, key: segment.key, type, rule: input.rule ?? segment.rule, parentId }, all);
      if (parentDoc !== undefined) data.parent = parentDoc;
      await strapi.documents(UID.segment as any).update({ documentId: segment.documentId, data: data as any });
      if (input.priority !== undefined || input.status !== undefined) await refreshPrimary(knex(), tables(), { segmentId: segment.id });
      if (type === 'static' && segment.type === 'dynamic' && (await currentRunId(knex(), segment.id)) === null) {
        await runtime.executor().execute(segment.id, { trigger: 'snapshot', wait: true, requestedBy: requester() });
      }
      await runtime.resync();
      return { ...(await readModels.get(viewer, segment.id)), warnings: await warningsFor(viewer, await reload(segment.id)) };
    },

    /**
     * Refuses to delete a segment that others depend on (children, or in_segment references):
     * re-parenting would silently widen the children, so the caller moves or deletes them first.
     */
    async remove(viewer: Viewer, ref: string | number) {
      const { segment, all, visible } = await access.resolve(viewer, ref);
      // Segments the viewer may not see are counted, never named.
      const names = (found: SegmentRow[]) => {
        const seen = found.filter((s) => visible.some((v) => v.id === s.id)).map((s) => s.key);
        const hidden = found.length - seen.length;
        return [...seen, ...(hidden ? [`${hidden} segment${hidden > 1 ? 's' : ''} you cannot see`] : [])].join(', ');
      };
      const children = all.filter((s) => s.parentId === segment.id);
      if (children.length)
        throw ApiError.conflict(`segment "${segment.key}" has child segments (${names(children)}); delete them or move them to another parent first`);
      const engine = ruleEngine();
      const dependents = all.filter((s) => s.id !== segment.id && engine.referencedSegmentKeys(s.rule).includes(segment.key));
      if (dependents.length) throw ApiError.conflict(`segment "${segment.key}" is used by in_segment in ${names(dependents)}; change those rules first`);
      // Its runs and the change trigger write its rows under the segment's lock, and primary segments
      // have one writer at a time: both locks are held from before the transaction until its commit.
      const k = knex();
      await withLock(k, segmentLockName(segment.id), () =>
        withLock(k, PRIMARY_LOCK, () =>
          strapi.db.transaction(async ({ trx }) => {
            await strapi.documents(UID.segment as any).delete({ documentId: segment.documentId });
            await deleteSegmentData(trx, tables(), segment.id);
          })
        )
      );
      await runtime.resync();
      return view(segment);
    },

    async execute(viewer: Viewer, ref: string | number, { wait, snapshot }: { wait: boolean; snapshot: boolean }) {
      const { segment } = await access.resolve(viewer, ref);
      if (segment.type === 'static' && !snapshot) {
        throw ApiError.conflict(`segment "${segment.key}" is static: its membership is frozen; send { "snapshot": true } to freeze it again from its rule`);
      }
      return runtime.executor().execute(segment.id, { trigger: segment.type === 'static' ? 'snapshot' : 'manual', wait, requestedBy: requester() });
    },

    /** Cancels a queued or running run (see runs.ts requestCancel); 409 when it has already finished. */
    async cancelRun(viewer: Viewer, ref: string) {
      const run = await access.runFor(viewer, ref);
      await requestCancel(knex(), Number(run.id));
      const result = toResult(await getRun(knex(), Number(run.id)));
      if (result.status !== 'cancelled' && result.status !== 'running') throw ApiError.conflict(`result "${ref}" has already finished (${result.status})`);
      return result;
    },

    /** An automation step: one customer into a static segment (static-members.ts); no viewer, the rule's approval stands for it. */
    addToStatic: (segmentId: number, customerId: number, now = new Date()) =>
      addToStatic(knex(), tables(), segmentId, customerId, { now, events: getService(strapi, 'events') }),

    // The runtime's (see runtime.ts).
    reevaluate: runtime.reevaluate,
    idle: runtime.idle,
    applyPendingChanges: runtime.applyPendingChanges,
    recover: runtime.recover,
    subscribe: runtime.subscribe,
    executor: runtime.executor,
    start: runtime.start,
    stop: runtime.stop,
  };
  // Versions, the timeline, diffs and restores, past runs' membership (history/); a restore is an update.
  return { ...api, history: createHistory(context, access, (viewer, id, input) => api.update(viewer, id, input)) };
};
