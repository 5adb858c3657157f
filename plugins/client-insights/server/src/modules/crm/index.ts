import { crmApi } from '../../../../shared/contracts/crm';
import { atApiRoot, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';

/**
 * The integrator API of the design document (seed 000 §5), content API only: a customer's
 * profile and tag writes under `/api/crm`, each route its own token scope. The same operations
 * are GraphQL queries and mutations (graphql.ts, registered in register.ts).
 */
const routes: ModuleRoutes = {
  contentApi: [
    route(crmApi.customerProfile, 'crm.customerProfile', atApiRoot),
    // Before /crm/tags/:id (no clash today: different methods; kept first so it stays so).
    route(crmApi.applyTag, 'crm.applyTag', atApiRoot),
    route(crmApi.createTags, 'crm.createTags', atApiRoot),
    route(crmApi.updateTag, 'crm.updateTag', atApiRoot),
    route(crmApi.deleteTag, 'crm.deleteTag', atApiRoot),
  ],
};

export default { routes, controllers: { crm: controller }, services: {} };
