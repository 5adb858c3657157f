import type { Core } from '@strapi/strapi';
import type { Flow, FlowCustomersQuery, FlowQuery } from '../../../../shared/contracts/reports';
import { FLOW_NONE } from '../../../../shared/contracts/reports';
import { TABLES, hostTables } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { NONE, quadrantFlowIds, segmentFlow, segmentFlowIds } from './flow-sql';
import { periodJson, periodOf } from './periods';

const nodeId = (id: number) => (id === NONE ? FLOW_NONE : String(id));

/**
 * Customer flow: how customers moved between the segments the viewer may see (from their enter
 * and exit events, membership.ts) and between value quadrants (values' migration matrix), with
 * the customers of any one flow.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  /** The value runs compared: those named, each a successful run (400 naming the field otherwise), else the values module's defaults. */
  const runsOf = async (q: Pick<FlowQuery, 'runA' | 'runB'>) => {
    for (const key of ['runA', 'runB'] as const) {
      const run = q[key];
      if (run === undefined) continue;
      const row = await knex()(TABLES.valueRuns).where({ id: run, status: 'success' }).first('id');
      if (!row) throw ApiError.invalid([{ path: `/${key}`, message: `no successful value run has id ${run}` }]);
    }
    return getService(strapi, 'values').migration(q.runA, q.runB);
  };

  return {
    async flow(viewer: Viewer, q: FlowQuery): Promise<Flow> {
      const period = periodOf(q.from, q.to, q.timeZone);
      const quadrants = await runsOf(q);
      const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
      const { links, customers } = await segmentFlow(
        knex(),
        hostTables(strapi).customers,
        visible.map((s) => s.id),
        period.start,
        period.end
      );
      const used = new Set(links.flatMap((l) => [l.source, l.target]));
      return {
        period: periodJson(period),
        segments: {
          nodes: [
            ...visible.filter((s) => used.has(s.id)).map((s) => ({ id: String(s.id), key: s.key, name: s.name })),
            ...(used.has(NONE) ? [{ id: FLOW_NONE, key: null, name: null }] : []),
          ],
          links: links.map((l) => ({ source: nodeId(l.source), target: nodeId(l.target), customers: l.customers })),
          customers,
        },
        quadrants,
      };
    },

    /** A page of one flow's customers, masked for the viewer like the customer list. */
    async flowCustomers(viewer: Viewer, q: FlowCustomersQuery) {
      const page = { page: q.page, pageSize: q.pageSize };
      if (q.kind === 'quadrant') {
        const { fromRun, toRun } = await runsOf(q);
        if (fromRun === null || toRun === null) return { data: [], meta: { pagination: { ...page, pageCount: 0, total: 0 } } };
        return getService(strapi, 'customers').listIn(quadrantFlowIds(knex(), fromRun, toRun, q.source, q.target), page, viewer);
      }
      const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
      const ids = new Set(visible.map((s) => s.id));
      const node = (key: 'source' | 'target') => {
        if (q[key] === FLOW_NONE) return NONE;
        const id = Number(q[key]);
        // A segment the viewer may not see does not exist for them.
        if (!ids.has(id)) throw ApiError.invalid([{ path: `/${key}`, message: `segment ${q[key]} does not exist` }]);
        return id;
      };
      const period = periodOf(q.from, q.to, q.timeZone);
      const sub = segmentFlowIds(knex(), hostTables(strapi).customers, [...ids], period.start, period.end, node('source'), node('target'));
      return getService(strapi, 'customers').listIn(sub, page, viewer);
    },
  };
};
