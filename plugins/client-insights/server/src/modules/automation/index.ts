import type { ModuleRoutes } from '../../core/http/routes';
import { emailLinkRoutes, emailLinksController } from './actions/email-links';

/**
 * Automation: behaviour triggers → conditions → steps (actions, waits, branches), delivered once
 * through a durable outbox. engine/ decides (inbox, occurrences, guard rails, outbox worker),
 * actions/ performs (email, SMS, push, webhook, task, notify, tag, stage, segment), and the
 * routes manage rules (draft → pending_approval → active ⇄ paused), test them and read their logs.
 */
const routes: ModuleRoutes = { admin: [], contentApi: [...emailLinkRoutes] };

export default { routes, controllers: { emailLinks: emailLinksController }, services: {} };
