import { auditApi } from '../../../../shared/contracts/audit';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** The audit log, read-only: search and CSV for holders of `audit.read` (core/audit records it). */
const routes: ModuleRoutes = {
  admin: [route(auditApi.list, 'audit.list', guard('audit.read')), route(auditApi.export, 'audit.export', guard('audit.read'))],
};

export default { routes, controllers: { audit: controller }, services: { audit: service } };
