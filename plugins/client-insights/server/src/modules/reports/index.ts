import { reportsApi } from '../../../../shared/contracts/reports';
import { guard, route, signedIn, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import flowController from './flow-controller';
import flowService from './flow';
import monitoringService from './monitoring';
import service from './service';

/** Customer flow and monitoring (flow*.ts, monitoring*.ts). */
const flowRoutes = [
  route(reportsApi.flow, 'reports.flow', guard('reports.read')),
  route(reportsApi.flowCustomers, 'reports.flowCustomers', guard('reports.read')),
  route(reportsApi.monitoring, 'reports.monitoring', guard('reports.read')),
];

/**
 * Reports: a segment's analytics over a period and its trends with a forecast; a campaign's
 * attribution with holdouts. The content-API twins (/api/segments/analytics/:segmentId,
 * /api/segments/trends/:segmentId) are declared in the host's Segment API, like the other
 * /api/segments/* routes (docs/api.md, Path clashes); /api/campaigns/:id/attribution in the
 * host's Campaign API. The campaigns by name (the editors' pickers) for automation managers and
 * report readers alike: signed in, the handler checks either action.
 */
const routes: ModuleRoutes = {
  admin: [
    route(reportsApi.analytics, 'reports.analytics', guard('reports.read')),
    route(reportsApi.trends, 'reports.trends', guard('reports.read')),
    ...flowRoutes,
    route(reportsApi.attribution, 'reports.attribution', guard('reports.read')),
    route(reportsApi.campaigns, 'reports.campaigns', signedIn),
  ],
};

export default {
  routes,
  controllers: { reports: (deps: Parameters<typeof controller>[0]) => ({ ...controller(deps), ...flowController(deps) }) },
  services: { reports: service, reportsFlow: flowService, reportsMonitoring: monitoringService },
};
