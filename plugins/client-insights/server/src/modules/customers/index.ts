import { customersApi } from '../../../../shared/contracts/customers';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Customer list, profile, export, follow-up tasks and manual tagging. */
const routes: ModuleRoutes = {
  admin: [
    route(customersApi.list, 'customers.list', guard('segments.read')),
    route(customersApi.export, 'customers.export', guard('segments.read', 'export')),
    // Task creation is checked against the Task content type's own permission in the controller.
    route(customersApi.followUpTasks, 'customers.followUpTasks', guard('segments.read')),
    route(customersApi.profile, 'customers.profile', guard('segments.read')),
    // Recording what a customer said about being contacted: whoever reads customers (audited).
    route(customersApi.setConsent, 'customers.setConsent', guard('segments.read')),
    route(customersApi.addTag, 'customers.addTag', guard('tags.manage')),
    route(customersApi.removeTag, 'customers.removeTag', guard('tags.manage')),
  ],
};

export default { routes, controllers: { customers: controller }, services: { customers: service } };
