import { segmentsApi } from '../../../../shared/contracts/segments';
import { atApiRoot, guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import historyController from './history/controller';
import { segmentHistoryApi } from '../../../../shared/contracts/segment-history';
import service from './service';

/** Segments: CRUD, execution (runs, members, exports), hierarchy and primary segments. */
const routes: ModuleRoutes = {
  // Fixed paths before /segments/:id.
  admin: [
    route(segmentsApi.list, 'segments.list', guard('segments.read')),
    route(segmentsApi.create, 'segments.create', guard('segments.create')),
    route(segmentsApi.tree, 'segments.tree', guard('segments.read')),
    route(segmentsApi.primary, 'segments.primary', guard('segments.read')),
    route(segmentsApi.results, 'segments.results', guard('segments.read')),
    route(segmentsApi.result, 'segments.result', guard('segments.read')),
    route(segmentsApi.resultCustomers, 'segments.resultCustomers', guard('segments.read')),
    route(segmentsApi.cancelRun, 'segments.cancelRun', guard('segments.run')),
    route(segmentsApi.exportResult, 'segments.exportResult', guard('segments.read', 'export')),
    route(segmentsApi.get, 'segments.get', guard('segments.read')),
    route(segmentsApi.update, 'segments.update', guard('segments.update')),
    route(segmentsApi.remove, 'segments.remove', guard('segments.delete')),
    route(segmentsApi.execute, 'segments.execute', guard('segments.run')),
    route(segmentsApi.currentCustomers, 'segments.currentCustomers', guard('segments.read')),
    // Segment history (history/): the diff before /versions/:version.
    route(segmentHistoryApi.history, 'segmentHistory.history', guard('segments.read')),
    route(segmentHistoryApi.diff, 'segmentHistory.diff', guard('segments.read')),
    route(segmentHistoryApi.version, 'segmentHistory.version', guard('segments.read')),
    route(segmentHistoryApi.restore, 'segmentHistory.restore', guard('segments.update')),
    route(segmentHistoryApi.compareRuns, 'segmentHistory.compareRuns', guard('segments.read')),
    route(segmentHistoryApi.runMembers, 'segmentHistory.runMembers', guard('segments.read')),
  ],
  // /api/crm/segments…; the /api/segments/* twins are declared in the host's Segment API.
  contentApi: [
    route(segmentsApi.create, 'segments.create', atApiRoot, '/crm/segments'),
    route(segmentsApi.execute, 'segments.execute', atApiRoot, '/crm/segments/:id/run'),
    route(segmentsApi.currentCustomers, 'segments.currentCustomers', atApiRoot, '/crm/segments/:id/customers'),
  ],
};

export default { routes, controllers: { segments: controller, segmentHistory: historyController }, services: { segments: service } };
