export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/overview/counts', handler: 'overview.counts', config: {} },
    // Segment execution under /api/crm/segments (prefix '' drops /client-insights).
    { method: 'POST', path: '/crm/segments', handler: 'segments.create', config: { prefix: '' } },
    { method: 'POST', path: '/crm/segments/:id/run', handler: 'segments.execute', config: { prefix: '' } },
    { method: 'GET', path: '/crm/segments/:id/customers', handler: 'segments.currentCustomers', config: { prefix: '' } },
    // Value models (values/): a customer's latest value score.
    { method: 'GET', path: '/crm/customers/:id/value-score', handler: 'values.customerScore', config: { prefix: '' } },
  ],
};
