import { guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Customer list, profile, export, follow-up tasks and manual tagging. */
const routes: ModuleRoutes = {
  admin: [
    { method: 'GET', path: '/customers', handler: 'customers.list', config: guard('segments.read') },
    { method: 'POST', path: '/customers/export', handler: 'customers.export', config: guard('segments.read', 'export') },
    // Task creation is checked against the Task content type's own permission in the controller.
    { method: 'POST', path: '/customers/follow-up-tasks', handler: 'customers.followUpTasks', config: guard('segments.read') },
    { method: 'GET', path: '/customers/:id', handler: 'customers.profile', config: guard('segments.read') },
    { method: 'POST', path: '/customers/:id/tags', handler: 'customers.addTag', config: guard('tags.manage') },
    { method: 'DELETE', path: '/customers/:id/tags/:tagId', handler: 'customers.removeTag', config: guard('tags.manage') },
  ],
};

export default { routes, controllers: { customers: controller }, services: { customers: service } };
