import { syncApi } from '../../../../shared/contracts/sync';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/**
 * Sync to external destinations (§3.5, §7): warehouse, webhook, file drop; runs as tracked jobs,
 * incremental against a ledger of what each destination holds, resumable batch by batch.
 */
const manage = guard('sync.manage');
const routes: ModuleRoutes = {
  admin: [
    route(syncApi.list, 'sync.list', manage),
    route(syncApi.create, 'sync.create', manage),
    route(syncApi.update, 'sync.update', manage),
    route(syncApi.remove, 'sync.remove', manage),
    route(syncApi.run, 'sync.run', manage),
    route(syncApi.runs, 'sync.runs', manage),
  ],
};

export default { routes, controllers: { sync: controller }, services: { sync: service } };
