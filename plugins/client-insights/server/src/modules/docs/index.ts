import { docsApi } from '../../../../shared/contracts/docs';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/**
 * The API's own description: an OpenAPI 3.1 document generated from the contracts, for any admin
 * who may read segments, and for API tokens (full access, or with this route's scope) rather than
 * the public: it maps every endpoint, and nothing else here is public either.
 */
const routes: ModuleRoutes = {
  admin: [route(docsApi.openapi, 'docs.openapi', guard('segments.read'))],
  contentApi: [route(docsApi.openapi, 'docs.openapi', {})],
};

export default { routes, controllers: { docs: controller }, services: { docs: service } };
