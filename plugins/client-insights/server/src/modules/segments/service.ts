import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { getService } from '../../get-service';
import { CUSTOMERS_CHANGED } from '../metrics/service';
import { createChangeQueue, reevaluateCustomers } from './change-trigger';
import { segmentsConfig } from './config';
import { csvStream } from './csv';
import { badRequest, SegmentApiError } from './errors';
import { createExecutor, type Executor } from './executor';
import { buildTree, checkPlacement } from './hierarchy';
import { currentRunId } from './materialise';
import { refreshPrimary } from './priority';
import { findSegments, type SegmentRow } from './repository';
import { ruleEngine } from './rule-engine';
import { getRun, listRuns, MEMBER_COLUMNS, memberBatches, membersPage, pagination, toResult, type MemberFilter, type Page } from './runs';
import { createScheduleSync, resolveSchedule, scheduleSlot } from './schedule';
import type { CreateSegmentInput, UpdateSegmentInput } from './schemas';
import { strapiTables, T, type StrapiTables } from './tables';
import { canSee, viewerSeesContact, type OwnerRoles, type Viewer } from './visibility';
import { maskContact } from '../customers/mask';

/** The segment as the API shows it. */
const view = (s: SegmentRow) => ({
  id: s.id,
  documentId: s.documentId,
  key: s.key,
  name: s.name,
  description: s.description,
  type: s.type,
  rule: s.rule,
  status: s.status,
  priority: s.priority,
  parentId: s.parentId,
  ownerId: s.ownerId,
  visibility: s.visibility,
  schedule: s.scheduleCron ? { cron: s.scheduleCron, timezone: s.scheduleTimezone ?? 'UTC' } : null,
  memberCount: s.memberCount,
  lastCalculatedAt: s.lastCalculatedAt?.toISOString() ?? null,
});

/** A member page with contact data masked for viewers without the permission. */
const maskedPage = <P extends { data: Array<{ name: string | null }> }>(viewer: Viewer, page: P): P => {
  const sees = viewerSeesContact(viewer);
  return { ...page, data: page.data.map((row) => maskContact(row, sees)) };
};

/** Strapi's Super Admin role: its holders administer every team. */
const SUPER_ADMIN = 'strapi-super-admin';

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'segment';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  let tablesCache: StrapiTables | null = null;
  const tables = () => (tablesCache ??= strapiTables(strapi));
  const knex = () => strapi.db.connection;
  const config = () => segmentsConfig(strapi);
  const loadSegments = () => findSegments(knex(), tables());
  const log = strapi.log;

  let executorCache: Executor | null = null;
  const executor = () =>
    (executorCache ??= createExecutor({ knex: knex(), tables: tables(), engine: ruleEngine, config, loadSegments, log }));

  const reevaluate = async (customerIds: number[]) =>
    reevaluateCustomers(knex(), tables(), ruleEngine(), await loadSegments(), customerIds);
  const changes = createChangeQueue(knex(), () => config().changeDebounceMs, reevaluate, (error) => log.error(`[client-insights] segment re-evaluation failed (retried on the next pass): ${error.message}`));

  let syncSchedules: ((segments: SegmentRow[]) => void) | null = null;
  const resync = async () => syncSchedules?.(await loadSegments());
  let interval: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;

  const ownerRoles = async (segments: SegmentRow[]): Promise<OwnerRoles> => {
    const ids = [...new Set(segments.filter((s) => s.visibility === 'team' && s.ownerId !== null).map((s) => s.ownerId!))];
    if (ids.length === 0) return new Map();
    const users = await strapi.db.query('admin::user').findMany({ where: { id: { $in: ids } }, populate: ['roles'] });
    return new Map(
      users.map((u: any) => {
        const roles: Array<{ id: unknown; code?: string }> = u.roles ?? [];
        return [Number(u.id), roles.some((r) => r.code === SUPER_ADMIN) ? 'everyone' : roles.map((r) => Number(r.id))];
      })
    );
  };

  const visibleSegments = async (viewer: Viewer) => {
    const all = await loadSegments();
    const roles = await ownerRoles(all);
    return { all, visible: all.filter((s) => canSee(viewer, s, roles)) };
  };

  /** A segment the viewer may see, by id, document id or key; 404 otherwise (hidden ones do not exist for them). */
  const resolve = async (viewer: Viewer, ref: string | number) => {
    const { all, visible } = await visibleSegments(viewer);
    const text = String(ref);
    const segment = visible.find((s) => String(s.id) === text || s.documentId === text || s.key === text);
    if (!segment) throw new SegmentApiError(404, `segment "${text}" not found`);
    return { segment, all, visible };
  };

  const validateRule = (rule: unknown) => {
    const result = ruleEngine().validateRule(rule);
    if (!result.valid) throw badRequest(result.errors);
  };

  const checkHierarchy = (candidate: Pick<SegmentRow, 'id' | 'key' | 'type' | 'rule' | 'parentId'>, all: SegmentRow[]) => {
    const errors = checkPlacement(candidate, all.filter((s) => s.id !== candidate.id), (r) => ruleEngine().referencedSegmentKeys(r));
    if (errors.length) throw badRequest(errors);
  };

  const scheduleOf = (type: string, schedule: string | null | undefined, timezone: string | undefined) => {
    if (schedule === undefined || schedule === null) return { schedule_cron: null as string | null, schedule_timezone: timezone ?? 'UTC' };
    if (type === 'static') throw badRequest([{ path: '/schedule', message: 'static segments keep their frozen membership and cannot be scheduled' }]);
    const resolved = resolveSchedule(schedule, timezone ?? 'UTC');
    if ('error' in resolved) throw badRequest([{ path: timezone && /time zone/.test(resolved.error) ? '/timezone' : '/schedule', message: resolved.error }]);
    return { schedule_cron: resolved.cron, schedule_timezone: timezone ?? 'UTC' };
  };

  const documentIdOf = async (uid: string, id: number) => (await strapi.db.query(uid as any).findOne({ where: { id }, select: ['documentId'] }))?.documentId as string | undefined;

  const reload = async (id: number) => (await findSegments(knex(), tables(), (q) => q.where('s.id', id)))[0];

  /** The saved rule's warnings (analysis, and segments with the same rule other than itself). */
  const warningsFor = async (segment: SegmentRow) => (await getService(strapi, 'rules').check(segment.rule, { excludeSegmentId: segment.id })).warnings;

  const service = {
    async list(viewer: Viewer, page: Page) {
      const { visible } = await visibleSegments(viewer);
      const slice = visible.slice((page.page - 1) * page.pageSize, page.page * page.pageSize);
      return { data: slice.map(view), meta: { pagination: pagination(page, visible.length) } };
    },

    async get(viewer: Viewer, ref: string | number) {
      const { segment } = await resolve(viewer, ref);
      const runId = await currentRunId(knex(), segment.id);
      const current = runId === null ? null : toResult(await getRun(knex(), runId));
      return { ...view(segment), currentResult: current };
    },

    async create(viewer: Viewer, input: CreateSegmentInput) {
      validateRule(input.rule);
      const { all, visible } = await visibleSegments(viewer);
      let key = input.key;
      if (key && all.some((s) => s.key === key)) throw badRequest([{ path: '/key', message: `key "${key}" is already used by another segment` }]);
      if (!key) {
        const base = slug(input.name);
        key = base;
        for (let i = 2; all.some((s) => s.key === key); i += 1) key = `${base}-${i}`;
      }
      let parent: SegmentRow | null = null;
      if (input.parent !== undefined && input.parent !== null) {
        parent = visible.find((s) => String(s.id) === String(input.parent) || s.documentId === input.parent || s.key === input.parent) ?? null;
        if (!parent) throw badRequest([{ path: '/parent', message: `parent segment "${input.parent}" not found` }]);
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
      const doc = await strapi.documents(UID.segment as any).create({ data: data as any });
      const created = (await findSegments(knex(), tables(), (q) => q.where('s.document_id', doc.documentId)))[0];
      let result: Awaited<ReturnType<Executor['execute']>> = null;
      if (created.type === 'static' || input.execute) {
        result = await executor().execute(created.id, { trigger: 'create', wait: true });
      }
      await resync();
      return { ...view(await reload(created.id)), currentResult: result, warnings: await warningsFor(created) };
    },

    async update(viewer: Viewer, ref: string | number, input: UpdateSegmentInput) {
      const { segment, all, visible } = await resolve(viewer, ref);
      if (input.rule !== undefined) validateRule(input.rule);
      const type = input.type ?? segment.type;
      let parentId = segment.parentId;
      let parentDoc: string | null | undefined;
      if (input.parent !== undefined) {
        if (input.parent === null) {
          parentId = null;
          parentDoc = null;
        } else {
          const parent = visible.find((s) => String(s.id) === String(input.parent) || s.documentId === input.parent || s.key === input.parent);
          if (!parent) throw badRequest([{ path: '/parent', message: `parent segment "${input.parent}" not found` }]);
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
        await executor().execute(segment.id, { trigger: 'snapshot', wait: true });
      }
      await resync();
      return { ...(await service.get(viewer, segment.id)), warnings: await warningsFor(await reload(segment.id)) };
    },

    /**
     * Refuses to delete a segment that others depend on (children, or in_segment references):
     * re-parenting would silently widen the children, so the caller moves or deletes them first.
     */
    async remove(viewer: Viewer, ref: string | number) {
      const { segment, all } = await resolve(viewer, ref);
      const children = all.filter((s) => s.parentId === segment.id);
      if (children.length) throw new SegmentApiError(409, `segment "${segment.key}" has child segments (${children.map((c) => c.key).join(', ')}); delete them or move them to another parent first`);
      const engine = ruleEngine();
      const dependents = all.filter((s) => s.id !== segment.id && engine.referencedSegmentKeys(s.rule).includes(segment.key));
      if (dependents.length) throw new SegmentApiError(409, `segment "${segment.key}" is used by in_segment in ${dependents.map((d) => d.key).join(', ')}; change those rules first`);
      await strapi.documents(UID.segment as any).delete({ documentId: segment.documentId });
      const k = knex();
      await k(T.current).where('segment_id', segment.id).delete();
      await refreshPrimary(k, tables(), { segmentId: segment.id });
      await k(T.changes).whereIn('run_id', k(T.runs).select('id').where('segment_id', segment.id)).delete();
      await k(T.members).where('segment_id', segment.id).delete();
      await resync();
      return view(segment);
    },

    async execute(viewer: Viewer, ref: string | number, { wait, snapshot }: { wait: boolean; snapshot: boolean }) {
      const { segment } = await resolve(viewer, ref);
      if (segment.type === 'static' && !snapshot) {
        throw new SegmentApiError(409, `segment "${segment.key}" is static: its membership is frozen; send { "snapshot": true } to freeze it again from its rule`);
      }
      return executor().execute(segment.id, { trigger: segment.type === 'static' ? 'snapshot' : 'manual', wait });
    },

    async results(viewer: Viewer, query: Page & { segment?: string }) {
      const ids = query.segment ? [(await resolve(viewer, query.segment)).segment.id] : (await visibleSegments(viewer)).visible.map((s) => s.id);
      return listRuns(knex(), ids, query);
    },

    async runFor(viewer: Viewer, ref: string) {
      const run = await getRun(knex(), ref);
      if (!run) throw new SegmentApiError(404, `result "${ref}" not found`);
      const { visible } = await visibleSegments(viewer);
      if (!visible.some((s) => s.id === Number(run.segment_id))) throw new SegmentApiError(404, `result "${ref}" not found`);
      return run;
    },

    async result(viewer: Viewer, ref: string) {
      return toResult(await service.runFor(viewer, ref));
    },

    async snapshotOf(viewer: Viewer, ref: string, filter: MemberFilter) {
      const run = await service.runFor(viewer, ref);
      if (run.status !== 'success' && run.status !== 'partial') throw new SegmentApiError(409, `result "${ref}" is ${run.status}: it has no membership`);
      const runRef = { id: Number(run.id), segment_id: Number(run.segment_id) };
      if (filter !== 'added' && filter !== 'removed' && Number(run.customer_count) > 0) {
        const kept = await knex()(T.members).where({ segment_id: runRef.segment_id, run_id: runRef.id }).first('customer_id');
        if (!kept) throw new SegmentApiError(410, `the member snapshot of result "${ref}" was removed by the retention policy`);
      }
      return runRef;
    },

    async resultCustomers(viewer: Viewer, ref: string, filter: MemberFilter, page: Page) {
      return maskedPage(viewer, await membersPage(knex(), tables(), await service.snapshotOf(viewer, ref, filter), filter, page));
    },

    async exportCsv(viewer: Viewer, ref: string, filter: MemberFilter) {
      const run = await service.snapshotOf(viewer, ref, filter);
      const sees = viewerSeesContact(viewer);
      const batches = async function* () {
        for await (const rows of memberBatches(knex(), tables(), run, filter)) yield rows.map((row) => maskContact(row, sees));
      };
      return csvStream(MEMBER_COLUMNS as unknown as string[], batches() as AsyncIterable<Record<string, unknown>[]>);
    },

    async currentCustomers(viewer: Viewer, ref: string | number, page: Page) {
      const { segment } = await resolve(viewer, ref);
      const runId = await currentRunId(knex(), segment.id);
      if (runId === null) return { data: [], meta: { pagination: pagination(page, 0), calculated: false } };
      const result = maskedPage(viewer, await membersPage(knex(), tables(), { id: runId, segment_id: segment.id }, undefined, page));
      return { ...result, meta: { ...result.meta, calculated: true, runId } };
    },

    async tree(viewer: Viewer) {
      return buildTree((await visibleSegments(viewer)).visible);
    },

    /** Each customer's primary segment (null when in no active segment); only segments the viewer sees are named. */
    async primary(viewer: Viewer, customerIds: number[]) {
      const { visible } = await visibleSegments(viewer);
      const byId = new Map(visible.map((s) => [s.id, s]));
      const rows = await knex()(T.primary).whereIn('customer_id', customerIds).select('customer_id', 'segment_id', 'priority');
      const found = new Map(rows.map((r: any) => [Number(r.customer_id), r]));
      return customerIds.map((id) => {
        const r = found.get(id);
        const s = r ? byId.get(Number(r.segment_id)) : undefined;
        return { customerId: id, segment: s ? { id: s.id, key: s.key, name: s.name, priority: Number(r.priority) } : null };
      });
    },

    /** Re-evaluates dynamic segments for these customers now (the event listener debounces into this). */
    reevaluate,
    /** Waits until pending customer changes have been applied. */
    idle: () => changes.idle(),
    /** Applies pending customer changes now. */
    applyPendingChanges: () => changes.flush(),
    recover: () => executor().recover(),
    executor,

    async start() {
      const scheduler = getService(strapi, 'scheduler');
      syncSchedules = createScheduleSync(scheduler, async (segmentId, tick) => {
        // Only records and starts the run: the job lock is released at once, the run holds its own.
        await executor().execute(segmentId, { trigger: 'schedule', wait: false, scheduleSlot: scheduleSlot(tick) });
      });
      await resync();
      scheduler.schedule({ name: 'segments:recover', cron: '* * * * *', run: async () => void (await executor().recover()) });
      scheduler.schedule({ name: 'segments:pending-changes', cron: '* * * * *', run: () => changes.flush() });
      interval = setInterval(() => void resync().catch((e) => log.warn(`[client-insights] schedule sync failed: ${e.message}`)), config().syncIntervalMs);
      interval.unref();
      unsubscribe = strapi.eventHub.on(CUSTOMERS_CHANGED, async () => changes.notify()) as unknown as () => void;
      // Changes a previous process recorded but did not apply.
      void changes.flush();
      // Runs a previous process left unfinished are redone in the background.
      void executor()
        .recover()
        .catch((e) => log.error(`[client-insights] recovering segment runs failed: ${e.message}`));
    },

    stop() {
      if (interval) clearInterval(interval);
      interval = null;
      changes.stop();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
  return service;
};
