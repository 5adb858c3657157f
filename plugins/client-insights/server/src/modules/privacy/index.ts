import { privacyApi } from '../../../../shared/contracts/privacy';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Data-protection requests for one customer: export everything held about them; erase them. */
const routes: ModuleRoutes = {
  admin: [
    route(privacyApi.exportData, 'privacy.exportData', guard('segments.read', 'sensitive.view', 'export')),
    route(privacyApi.erase, 'privacy.erase', guard('personal-data.erase')),
  ],
};

export default { routes, controllers: { privacy: controller }, services: { privacy: service } };
