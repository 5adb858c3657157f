export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: {} },
  ],
};
