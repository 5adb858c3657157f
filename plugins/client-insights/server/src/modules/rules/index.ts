import { rulesApi } from '../../../../shared/contracts/rules';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** The rule language: field catalogue, validation and live preview (nothing is stored). */
const routes: ModuleRoutes = {
  admin: [
    route(rulesApi.catalogue, 'rules.catalogue', guard('segments.read')),
    route(rulesApi.preview, 'rules.preview', guard('segments.read')),
    route(rulesApi.validate, 'rules.validate', guard('segments.read')),
  ],
};

export default { routes, controllers: { rules: controller }, services: { rules: service } };
