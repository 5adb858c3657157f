/**
 * Client Insights endpoints under /api/segments/*. They are declared here, in the Segment API,
 * because Strapi registers this API's core routes (GET /api/segments/:id, ...) before any plugin
 * route: a plugin route at /segments/catalogue would never be reached. This file sorts before
 * segment.ts, so these routes are matched first. Handlers live in the plugin.
 */
export default {
  routes: [
    // Rule engine (plugin rules controller): the field catalogue and a preview that stores nothing.
    ...(
      [
        ['GET', '/segments/catalogue', 'catalogue'],
        ['POST', '/segments/rules/preview', 'preview'],
        ['POST', '/segments/rules/validate', 'validate'],
      ] as const
    ).map(([method, path, action]) => ({
      method,
      path,
      handler: `plugin::client-insights.rules.${action}`,
      config: { auth: { scope: [`plugin::client-insights.rules.${action}`] } },
    })),
    // Segment execution (plugin segments/). `rules`, `results`, `tree`, `analytics` and `trends` are fixed words that no
    // Segment documentId can be, so the core `/api/segments/:id` routes keep working for documents.
    ...(
      [
        ['GET', '/segments/rules', 'list'],
        ['POST', '/segments/rules', 'create'],
        ['GET', '/segments/tree', 'tree'],
        ['GET', '/segments/primary', 'primary'],
        ['GET', '/segments/results', 'results'],
        ['GET', '/segments/results/:id', 'result'],
        ['GET', '/segments/results/:id/customers', 'resultCustomers'],
        ['POST', '/segments/results/:id/export', 'exportResult'],
        ['POST', '/segments/results/:id/cancel', 'cancelRun'],
        ['GET', '/segments/rules/:id', 'get'],
        ['PUT', '/segments/rules/:id', 'update'],
        ['DELETE', '/segments/rules/:id', 'remove'],
        ['POST', '/segments/rules/:id/execute', 'execute'],
        ['GET', '/segments/rules/:id/customers', 'currentCustomers'],
      ] as const
    ).map(([method, path, action]) => ({
      method,
      path,
      handler: `plugin::client-insights.segments.${action}`,
      config: { auth: { scope: [`plugin::client-insights.segments.${action}`] } },
    })),
    // Reports (plugin reports/): a segment's analytics over a period, its trends with a forecast.
    ...(
      [
        ['GET', '/segments/analytics/:segmentId', 'analytics'],
        ['GET', '/segments/trends/:segmentId', 'trends'],
      ] as const
    ).map(([method, path, action]) => ({
      method,
      path,
      handler: `plugin::client-insights.reports.${action}`,
      config: { auth: { scope: [`plugin::client-insights.reports.${action}`] } },
    })),
    // Segment history (plugin segments/history/): versions, their diff and restore, past runs' membership.
    ...(
      [
        ['GET', '/segments/rules/:id/history', 'history'],
        ['GET', '/segments/rules/:id/versions/diff', 'diff'],
        ['GET', '/segments/rules/:id/versions/:version', 'version'],
        ['POST', '/segments/rules/:id/versions/:version/restore', 'restore'],
        ['GET', '/segments/rules/:id/runs/compare', 'compareRuns'],
        ['GET', '/segments/rules/:id/runs/:run/members', 'runMembers'],
      ] as const
    ).map(([method, path, action]) => ({
      method,
      path,
      handler: `plugin::client-insights.segmentHistory.${action}`,
      config: { auth: { scope: [`plugin::client-insights.segmentHistory.${action}`] } },
    })),
    // Value models (plugin values/): R×F matrix with quadrant counts, tracked recalculation.
    ...(
      [
        ['GET', '/segments/rfm', 'rfmMatrix'],
        ['POST', '/segments/rfm/calculate', 'calculate'],
        ['GET', '/segments/rfm/calculate/:jobId', 'calculationStatus'],
        ['POST', '/segments/rfm/calculate/:jobId/cancel', 'cancelCalculation'],
      ] as const
    ).map(([method, path, action]) => ({
      method,
      path,
      handler: `plugin::client-insights.values.${action}`,
      config: { auth: { scope: [`plugin::client-insights.values.${action}`] } },
    })),
  ],
};
