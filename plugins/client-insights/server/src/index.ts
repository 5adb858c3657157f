import bootstrap from './bootstrap';
import destroy from './destroy';
import { controllers, routes, services } from './modules';
import register from './register';

export default {
  register,
  bootstrap,
  destroy,
  config: { default: {}, validator() {} },
  controllers,
  routes,
  services,
  contentTypes: {},
  policies: {},
  middlewares: {},
};
