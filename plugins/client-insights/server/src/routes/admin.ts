import { permission } from '../constants';

const guard = (...actions: Parameters<typeof permission>[0][]) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: actions.map(permission) } }],
});

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: guard('segments.read') },
    // Rule engine: catalogue, preview and validation (nothing is stored).
    { method: 'GET', path: '/catalogue', handler: 'rules.catalogue', config: guard('segments.read') },
    { method: 'POST', path: '/rules/preview', handler: 'rules.preview', config: guard('segments.read') },
    { method: 'POST', path: '/rules/validate', handler: 'rules.validate', config: guard('segments.read') },
    { method: 'GET', path: '/overview/kpis', handler: 'overviewKpis.kpis', config: guard('segments.read') },
    { method: 'GET', path: '/overview/value-charts', handler: 'overviewKpis.valueCharts', config: guard('segments.read') },
    // Tag center and customer profile (admin UI).
    { method: 'GET', path: '/tags', handler: 'tags.list', config: guard('segments.read') },
    { method: 'POST', path: '/tags', handler: 'tags.create', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/merge', handler: 'tags.merge', config: guard('tags.manage') },
    { method: 'GET', path: '/tags/:id', handler: 'tags.get', config: guard('segments.read') },
    { method: 'PUT', path: '/tags/:id', handler: 'tags.update', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/:id/bulk', handler: 'tags.bulk', config: guard('tags.manage') },
    { method: 'POST', path: '/tags/:id/run-rule', handler: 'tags.runRule', config: guard('tags.manage') },
    { method: 'GET', path: '/customers', handler: 'customers.list', config: guard('segments.read') },
    { method: 'POST', path: '/customers/export', handler: 'customers.export', config: guard('segments.read', 'export') },
    // Task creation is checked against the Task content type's own permission in the controller.
    { method: 'POST', path: '/customers/follow-up-tasks', handler: 'customers.followUpTasks', config: guard('segments.read') },
    { method: 'GET', path: '/customers/:id', handler: 'customers.profile', config: guard('segments.read') },
    { method: 'POST', path: '/customers/:id/tags', handler: 'customers.addTag', config: guard('tags.manage') },
    { method: 'DELETE', path: '/customers/:id/tags/:tagId', handler: 'customers.removeTag', config: guard('tags.manage') },
    // Segment execution (segments/): fixed paths before /segments/:id.
    { method: 'GET', path: '/segments', handler: 'segments.list', config: guard('segments.read') },
    { method: 'POST', path: '/segments', handler: 'segments.create', config: guard('segments.create') },
    { method: 'GET', path: '/segments/tree', handler: 'segments.tree', config: guard('segments.read') },
    { method: 'GET', path: '/segments/primary', handler: 'segments.primary', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results', handler: 'segments.results', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results/:id', handler: 'segments.result', config: guard('segments.read') },
    { method: 'GET', path: '/segments/results/:id/customers', handler: 'segments.resultCustomers', config: guard('segments.read') },
    { method: 'POST', path: '/segments/results/:id/export', handler: 'segments.exportResult', config: guard('segments.read', 'export') },
    { method: 'GET', path: '/segments/:id', handler: 'segments.get', config: guard('segments.read') },
    { method: 'PUT', path: '/segments/:id', handler: 'segments.update', config: guard('segments.update') },
    { method: 'DELETE', path: '/segments/:id', handler: 'segments.remove', config: guard('segments.delete') },
    { method: 'POST', path: '/segments/:id/execute', handler: 'segments.execute', config: guard('segments.run') },
    { method: 'GET', path: '/segments/:id/customers', handler: 'segments.currentCustomers', config: guard('segments.read') },
    // Value models (values/): reads need segments.read, calculation and settings models.manage.
    { method: 'GET', path: '/values/rfm', handler: 'values.rfmMatrix', config: guard('segments.read') },
    { method: 'POST', path: '/values/calculate', handler: 'values.calculate', config: guard('models.manage') },
    { method: 'GET', path: '/values/calculate/:jobId', handler: 'values.calculationStatus', config: guard('segments.read') },
    { method: 'GET', path: '/values/migration', handler: 'values.migration', config: guard('segments.read') },
    { method: 'GET', path: '/values/models', handler: 'values.models', config: guard('segments.read') },
    { method: 'GET', path: '/values/settings', handler: 'values.getSettings', config: guard('models.manage') },
    { method: 'PUT', path: '/values/settings', handler: 'values.updateSettings', config: guard('models.manage') },
    { method: 'GET', path: '/values/customers/:id', handler: 'values.customerScore', config: guard('segments.read') },
  ],
};
