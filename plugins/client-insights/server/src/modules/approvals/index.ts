import { approvalsApi } from '../../../../shared/contracts/approvals';
import { route, signedIn, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/**
 * Maker-checker approvals: any admin reaches the routes; the service shows a user their own
 * requests and those of the kinds they approve (APPROVE_ACTIONS), and lets only another user
 * holding the kind's approve action decide.
 */
const routes: ModuleRoutes = {
  admin: [
    route(approvalsApi.list, 'approvals.list', signedIn),
    route(approvalsApi.get, 'approvals.get', signedIn),
    route(approvalsApi.approve, 'approvals.approve', signedIn),
    route(approvalsApi.reject, 'approvals.reject', signedIn),
    route(approvalsApi.cancel, 'approvals.cancel', signedIn),
  ],
};

export default { routes, controllers: { approvals: controller }, services: { approvals: service } };
