import type { ModuleRoutes } from '../../core/http/routes';
import automationTriggers from './engine/triggers-service';

/**
 * Automation: behaviour triggers → conditions → steps (actions, waits, branches), delivered once
 * through a durable outbox. engine/ decides (inbox, occurrences, guard rails, outbox worker),
 * actions/ performs (email, SMS, push, webhook, task, notify, tag, stage, segment), and the
 * routes manage rules (draft → pending_approval → active ⇄ paused), test them and read their logs.
 */
const routes: ModuleRoutes = { admin: [], contentApi: [] };

export default { routes, controllers: {}, services: { automationTriggers } };
