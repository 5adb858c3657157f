import { guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Overview: row counts, the top KPI board and the value charts. */
const routes: ModuleRoutes = {
  admin: [
    { method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: guard('segments.read') },
    { method: 'GET', path: '/overview/kpis', handler: 'overview.kpis', config: guard('segments.read') },
    { method: 'GET', path: '/overview/value-charts', handler: 'overview.valueCharts', config: guard('segments.read') },
  ],
  contentApi: [{ method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: {} }],
};

export default { routes, controllers: { overview: controller }, services: { overview: service } };
