import { overviewApi } from '../../../../shared/contracts/overview';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Overview: row counts, the top KPI board and the value charts. */
const routes: ModuleRoutes = {
  admin: [
    route(overviewApi.counts, 'overview.counts', guard('segments.read')),
    route(overviewApi.kpis, 'overview.kpis', guard('segments.read')),
    route(overviewApi.valueCharts, 'overview.valueCharts', guard('segments.read')),
  ],
  contentApi: [route(overviewApi.counts, 'overview.counts', {}, '/overview/counts')],
};

export default { routes, controllers: { overview: controller }, services: { overview: service } };
