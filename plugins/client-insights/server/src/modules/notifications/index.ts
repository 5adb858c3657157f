import { notificationsApi } from '../../../../shared/contracts/notifications';
import { route, signedIn, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/**
 * In-app notifications for admin users: automation's notify action writes them (through this
 * module's service), every signed-in admin reads and marks their own.
 */
const routes: ModuleRoutes = {
  admin: [
    route(notificationsApi.list, 'notifications.list', signedIn),
    route(notificationsApi.readAll, 'notifications.readAll', signedIn),
    route(notificationsApi.read, 'notifications.read', signedIn),
  ],
};

export default { routes, controllers: { notifications: controller }, services: { notifications: service } };
