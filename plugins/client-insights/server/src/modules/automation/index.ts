import { webhookEndpointsApi } from '../../../../shared/contracts/automation-endpoints';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import webhookEndpointsController from './actions/webhook-endpoints-controller';
import webhookEndpoints from './actions/webhook-endpoints';

/**
 * Automation: behaviour triggers → conditions → steps (actions, waits, branches), delivered once
 * through a durable outbox. engine/ decides (inbox, occurrences, guard rails, outbox worker),
 * actions/ performs (email, SMS, push, webhook, task, notify, tag, stage, segment), and the
 * routes manage rules (draft → pending_approval → active ⇄ paused), test them and read their logs.
 */
const manage = guard('automation.manage');
const routes: ModuleRoutes = {
  admin: [
    route(webhookEndpointsApi.list, 'webhookEndpoints.list', manage),
    route(webhookEndpointsApi.create, 'webhookEndpoints.create', manage),
    route(webhookEndpointsApi.update, 'webhookEndpoints.update', manage),
    route(webhookEndpointsApi.remove, 'webhookEndpoints.remove', manage),
    route(webhookEndpointsApi.rotateSecret, 'webhookEndpoints.rotateSecret', manage),
  ],
  contentApi: [],
};

export default { routes, controllers: { webhookEndpoints: webhookEndpointsController }, services: { webhookEndpoints } };
