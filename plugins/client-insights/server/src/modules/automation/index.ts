import { automationApi } from '../../../../shared/contracts/automation';
import { webhookEndpointsApi } from '../../../../shared/contracts/automation-endpoints';
import { atApiRoot, guard, route, type ModuleRoutes } from '../../core/http/routes';
import webhookEndpointsController from './actions/webhook-endpoints-controller';
import webhookEndpoints from './actions/webhook-endpoints';
import controller from './controller';
import service from './service';
import { emailLinkRoutes, emailLinksController } from './actions/email-links';
import automationTriggers from './engine/triggers-service';

/**
 * Automation: behaviour triggers → conditions → steps (actions, waits, branches), delivered once
 * through a durable outbox. engine/ decides (inbox, occurrences, guard rails, outbox worker),
 * actions/ performs (email, SMS, push, webhook, task, notify, tag, stage, segment), and the
 * routes manage rules (draft → pending_approval → active ⇄ paused), test them and read their logs.
 * Approving a rule is the approvals module's (kind `automation`, action automation.approve).
 */
const manage = guard('automation.manage');
const routes: ModuleRoutes = {
  admin: [
    route(automationApi.catalogue, 'automation.catalogue', manage),
    route(automationApi.logs, 'automation.logs', manage),
    route(automationApi.list, 'automation.list', manage),
    route(automationApi.create, 'automation.create', manage),
    route(automationApi.get, 'automation.get', manage),
    route(automationApi.update, 'automation.update', manage),
    route(automationApi.remove, 'automation.remove', manage),
    route(automationApi.activate, 'automation.activate', manage),
    route(automationApi.pause, 'automation.pause', manage),
    route(automationApi.resume, 'automation.resume', manage),
    route(automationApi.submit, 'automation.submit', manage),
    route(automationApi.test, 'automation.test', manage),
    route(automationApi.figures, 'automation.figures', manage),
    route(automationApi.forecast, 'automation.forecast', manage),
    route(automationApi.sendTest, 'automation.sendTest', manage),
    route(automationApi.retryDeadLetter, 'automation.retryDeadLetter', manage),
    route(webhookEndpointsApi.list, 'webhookEndpoints.list', manage),
    route(webhookEndpointsApi.create, 'webhookEndpoints.create', manage),
    route(webhookEndpointsApi.update, 'webhookEndpoints.update', manage),
    route(webhookEndpointsApi.remove, 'webhookEndpoints.remove', manage),
    route(webhookEndpointsApi.rotateSecret, 'webhookEndpoints.rotateSecret', manage),
  ],
  // The integrator API (seed 000 §5), each route its own token scope.
  contentApi: [
    // Public links in automation emails (unsubscribe, pixel, clicks) and the provider's events.
    ...emailLinkRoutes,
    route(automationApi.list, 'automation.list', atApiRoot, '/crm/automation-rules'),
    route(automationApi.create, 'automation.create', atApiRoot, '/crm/automation-rules'),
    route(automationApi.get, 'automation.get', atApiRoot, '/crm/automation-rules/:id'),
    route(automationApi.patch, 'automation.patch', atApiRoot),
    route(automationApi.remove, 'automation.remove', atApiRoot, '/crm/automation-rules/:id'),
    route(automationApi.test, 'automation.test', atApiRoot, '/crm/automation-rules/:id/test'),
    route(automationApi.activate, 'automation.activate', atApiRoot, '/crm/automation-rules/:id/activate'),
    route(automationApi.pause, 'automation.pause', atApiRoot, '/crm/automation-rules/:id/pause'),
    route(automationApi.logs, 'automation.logs', atApiRoot, '/crm/automation-logs'),
  ],
};

export default {
  routes,
  controllers: { automation: controller, webhookEndpoints: webhookEndpointsController, emailLinks: emailLinksController },
  services: { automation: service, automationTriggers, webhookEndpoints },
};
