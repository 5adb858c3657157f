import { TABLES } from '../../core/db/tables';
import { maskedPage, maskedRows, type Access } from './access';
import { ApiError } from '../../core/http/errors';
import type { SegmentsContext } from './context';
import { csvStream, type CsvExport } from './csv';
import { csvFormatter, type CsvFormat } from './csv-locale';
import { ancestorRules, buildTree } from './hierarchy';
import { currentRunId } from './materialise';
import type { SegmentRow } from './repository';
import {
  countMembers,
  getRun,
  listRuns,
  MEMBER_COLUMNS,
  memberBatches,
  membersPage,
  membersQuery,
  pagination,
  toResult,
  type MemberFilter,
  type Page,
} from './runs';
import type { Viewer } from './visibility';

/** The segment as the API shows it. */
export const view = (s: SegmentRow) => ({
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

/** What the API reads about segments, all limited to what the viewer may see: lists, results, member pages and exports, the tree, primary segments. */
export const createReadModels = ({ knex, tables }: SegmentsContext, access: Access) => {
  const readModels = {
    async list(viewer: Viewer, query: Page & { q?: string; type?: SegmentRow['type'] }) {
      const needle = query.q?.toLowerCase();
      const listed = (await access.visibleSegments(viewer)).visible.filter(
        (s) => (!needle || s.name.toLowerCase().includes(needle)) && (!query.type || s.type === query.type)
      );
      const slice = listed.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
      return { data: slice.map(view), meta: { pagination: pagination(query, listed.length) } };
    },

    async get(viewer: Viewer, ref: string | number) {
      const { segment } = await access.resolve(viewer, ref);
      const runId = await currentRunId(knex(), segment.id);
      const current = runId === null ? null : toResult(await getRun(knex(), runId));
      return { ...view(segment), currentResult: current };
    },

    async results(viewer: Viewer, query: Page & { segment?: string }) {
      const ids = query.segment ? [(await access.resolve(viewer, query.segment)).segment.id] : (await access.visibleSegments(viewer)).visible.map((s) => s.id);
      return listRuns(knex(), ids, query);
    },

    runFor: access.runFor,

    async result(viewer: Viewer, ref: string) {
      return toResult(await access.runFor(viewer, ref));
    },

    /** The run whose members (or added / removed / kept changes) are asked for; 409 without a membership, 410 once pruned. */
    async snapshotOf(viewer: Viewer, ref: string, filter: MemberFilter) {
      const run = await access.runFor(viewer, ref);
      if (run.status !== 'success' && run.status !== 'partial') throw ApiError.conflict(`result "${ref}" is ${run.status}: it has no membership`);
      const runRef = { id: Number(run.id), segment_id: Number(run.segment_id) };
      if (filter !== 'added' && filter !== 'removed' && Number(run.customer_count) > 0) {
        const kept = await knex()(TABLES.segmentMembers).where({ segment_id: runRef.segment_id, run_id: runRef.id }).first('customer_id');
        if (!kept) throw ApiError.gone(`the member snapshot of result "${ref}" was removed by the retention policy`);
      }
      return runRef;
    },

    async resultCustomers(viewer: Viewer, ref: string, filter: MemberFilter, page: Page) {
      return maskedPage(viewer, await membersPage(knex(), tables(), await readModels.snapshotOf(viewer, ref, filter), filter, page));
    },

    async exportCsv(viewer: Viewer, ref: string, filter: MemberFilter, format?: CsvFormat): Promise<CsvExport> {
      const run = await readModels.snapshotOf(viewer, ref, filter);
      const total = await countMembers(knex(), tables(), run, filter);
      const batches = async function* () {
        for await (const rows of memberBatches(knex(), tables(), run, filter)) yield maskedRows(viewer, rows);
      };
      // Member exports carry no contact data (MEMBER_COLUMNS), whoever asks.
      return {
        total,
        columns: MEMBER_COLUMNS,
        sensitive: [],
        stream: await csvStream(MEMBER_COLUMNS as unknown as string[], batches() as AsyncIterable<Record<string, unknown>[]>, format && csvFormatter(format)),
      };
    },

    /** The customer ids (`customer_id`) of a result's members (or changes) as a subquery, and their number: for chosen-field exports. */
    async memberIds(viewer: Viewer, ref: string, filter: MemberFilter) {
      const run = await readModels.snapshotOf(viewer, ref, filter);
      return {
        query: membersQuery(knex(), tables(), run, filter).select('k.customer_id as customer_id'),
        total: await countMembers(knex(), tables(), run, filter),
      };
    },

    async currentCustomers(viewer: Viewer, ref: string | number, page: Page) {
      const { segment } = await access.resolve(viewer, ref);
      const runId = await currentRunId(knex(), segment.id);
      if (runId === null) return { data: [], meta: { pagination: pagination(page, 0), calculated: false } };
      const result = maskedPage(viewer, await membersPage(knex(), tables(), { id: runId, segment_id: segment.id }, undefined, page));
      return { ...result, meta: { ...result.meta, calculated: true, runId } };
    },

    /**
     * What a rule previewed as a child segment is ANDed with, as its run will do (hierarchy.ts
     * effectiveRule): the rules of `parent` (a segment the viewer sees, by id, document id or key)
     * and of its ancestors; without `parent`, those of the stored parent of `segmentId` (the
     * segment being edited). Null for a root (`parent: null`, or neither given); a 400 on /parent
     * when the parent is unknown.
     */
    async previewScope(viewer: Viewer, { parent, segmentId }: { parent?: string | number | null; segmentId?: number }) {
      if (parent === null || (parent === undefined && segmentId === undefined)) return null;
      const { all, visible } = await access.visibleSegments(viewer);
      const byId = new Map(all.map((s) => [s.id, s]));
      let parentId: number | null;
      if (parent !== undefined) {
        const text = String(parent);
        const found = visible.find((s) => String(s.id) === text || s.documentId === text || s.key === text);
        if (!found) throw ApiError.invalid([{ path: '/parent', message: `segment "${text}" not found` }]);
        parentId = found.id;
      } else parentId = byId.get(segmentId!)?.parentId ?? null;
      const parentRow = parentId === null ? undefined : byId.get(parentId);
      if (!parentRow) return null;
      const candidate = { id: segmentId ?? 0, key: '', type: 'dynamic' as const, rule: null, parentId: parentRow.id };
      return { parent: { id: parentRow.id, key: parentRow.key, name: parentRow.name }, rules: ancestorRules(candidate, byId) };
    },

    async tree(viewer: Viewer) {
      return buildTree((await access.visibleSegments(viewer)).visible);
    },

    /** Each customer's primary segment (null when in no active segment); only segments the viewer sees are named. */
    async primary(viewer: Viewer, customerIds: number[]) {
      const { visible } = await access.visibleSegments(viewer);
      const byId = new Map(visible.map((s) => [s.id, s]));
      const rows = await knex()(TABLES.primarySegment).whereIn('customer_id', customerIds).select('customer_id', 'segment_id', 'priority');
      const found = new Map(rows.map((r: any) => [Number(r.customer_id), r]));
      return customerIds.map((id) => {
        const r = found.get(id);
        const s = r ? byId.get(Number(r.segment_id)) : undefined;
        return { customerId: id, segment: s ? { id: s.id, key: s.key, name: s.name, priority: Number(r.priority) } : null };
      });
    },
  };
  return readModels;
};
