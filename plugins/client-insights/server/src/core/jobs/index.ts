import { jobsApi } from '../../../../shared/contracts/jobs';
import { guard, route, type ModuleRoutes } from '../http/routes';
import controller from './controller';
import service from './service';

/**
 * The process's scheduler, as a service other modules register cron jobs with, and the routes
 * that read and cancel any tracked job (each kind's own route starts it).
 */
const routes: ModuleRoutes = {
  // Any admin with the plugin's read action reaches them; access.ts decides per job.
  admin: [route(jobsApi.get, 'jobs.get', guard('segments.read')), route(jobsApi.cancel, 'jobs.cancel', guard('segments.read'))],
};

export default { routes, controllers: { jobs: controller }, services: { scheduler: service } };
