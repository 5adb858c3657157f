import { guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Tag center: the four categories, merge, bulk apply and auto-tag rules. */
const routes: ModuleRoutes = {
  admin: [
    { method: 'GET', path: '/tags', handler: 'tags.list', config: guard('segments.read') },
    { method: 'POST', path: '/tags', handler: 'tags.create', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/merge', handler: 'tags.merge', config: guard('tags.manage') },
    { method: 'GET', path: '/tags/:id', handler: 'tags.get', config: guard('segments.read') },
    { method: 'PUT', path: '/tags/:id', handler: 'tags.update', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/:id/bulk', handler: 'tags.bulk', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/:id/run-rule', handler: 'tags.runRule', config: guard('tags.manage') },
  ],
};

export default { routes, controllers: { tags: controller }, services: { tags: service } };
