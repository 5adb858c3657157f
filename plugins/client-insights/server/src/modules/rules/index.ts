import { guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** The rule language: field catalogue, validation and live preview (nothing is stored). */
const routes: ModuleRoutes = {
  admin: [
    { method: 'GET', path: '/catalogue', handler: 'rules.catalogue', config: guard('segments.read') },
    { method: 'POST', path: '/rules/preview', handler: 'rules.preview', config: guard('segments.read') },
    { method: 'POST', path: '/rules/validate', handler: 'rules.validate', config: guard('segments.read') },
  ],
};

export default { routes, controllers: { rules: controller }, services: { rules: service } };
