import { exportsApi } from '../../../../shared/contracts/exports';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Exports as tracked jobs: start, follow at /jobs/:jobId, download the written file. */
const routes: ModuleRoutes = {
  admin: [route(exportsApi.start, 'exports.start', guard('segments.read', 'export')), route(exportsApi.file, 'exports.file', guard('segments.read', 'export'))],
};

export default { routes, controllers: { exports: controller }, services: { exports: service } };
