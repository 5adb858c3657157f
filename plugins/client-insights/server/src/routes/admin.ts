import { permission } from '../constants';

const guard = (...actions: Parameters<typeof permission>[0][]) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: actions.map(permission) } }],
});

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: guard('segments.read') },
  ],
};
