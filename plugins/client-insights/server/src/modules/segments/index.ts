import { atApiRoot, guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Segments: CRUD, execution (runs, members, exports), hierarchy and primary segments. */
const routes: ModuleRoutes = {
  // Fixed paths before /segments/:id.
  admin: [
    { method: 'GET', path: '/segments', handler: 'segments.list', config: guard('segments.read') },
    { method: 'POST', path: '/segments', handler: 'segments.create', config: guard('segments.create') },
    { method: 'GET', path: '/segments/tree', handler: 'segments.tree', config: guard('segments.read') },
    { method: 'GET', path: '/segments/primary', handler: 'segments.primary', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results', handler: 'segments.results', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results/:id', handler: 'segments.result', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results/:id/customers', handler: 'segments.resultCustomers', config: guard('segments.read') },
    { method: 'POST', path: '/segments/results/:id/cancel', handler: 'segments.cancelRun', config: guard('segments.run') },
    { method: 'POST', path: '/segments/results/:id/export', handler: 'segments.exportResult', config: guard('segments.read', 'export') },
    { method: 'GET', path: '/segments/:id', handler: 'segments.get', config: guard('segments.read') },
    { method: 'PUT', path: '/segments/:id', handler: 'segments.update', config: guard('segments.update') },
    { method: 'DELETE', path: '/segments/:id', handler: 'segments.remove', config: guard('segments.delete') },
    { method: 'POST', path: '/segments/:id/execute', handler: 'segments.execute', config: guard('segments.run') },
    { method: 'GET', path: '/segments/:id/customers', handler: 'segments.currentCustomers', config: guard('segments.read') },
  ],
  // /api/crm/segments…; the /api/segments/* twins are declared in the host's Segment API.
  contentApi: [
    { method: 'POST', path: '/crm/segments', handler: 'segments.create', config: atApiRoot },
    { method: 'POST', path: '/crm/segments/:id/run', handler: 'segments.execute', config: atApiRoot },
    { method: 'GET', path: '/crm/segments/:id/customers', handler: 'segments.currentCustomers', config: atApiRoot },
  ],
};

export default { routes, controllers: { segments: controller }, services: { segments: service } };
