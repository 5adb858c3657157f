import { monitoringApi } from '../../../../shared/contracts/monitoring';
import { route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/**
 * Prometheus metrics (seed 000 §8, seed 004 §8.1) at GET /api/client-insights/metrics, behind the
 * CI_METRICS_TOKEN bearer token (controller.ts) rather than Strapi's auth (`auth: false`).
 */
const routes: ModuleRoutes = {
  contentApi: [route(monitoringApi.metrics, 'monitoring.metrics', { auth: false })],
};

export default { routes, controllers: { monitoring: controller }, services: { monitoring: service } };
