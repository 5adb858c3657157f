/**
 * Client Insights endpoints under /api/campaigns/*: a campaign's attribution with holdouts
 * (plugin reports/). Declared in the Campaign API, as the segment report twins are in the Segment
 * API; this file sorts before campaign.ts. Handlers live in the plugin.
 */
export default {
  routes: [
    {
      method: 'GET',
      path: '/campaigns/:id/attribution',
      handler: 'plugin::client-insights.reports.attribution',
      config: { auth: { scope: ['plugin::client-insights.reports.attribution'] } },
    },
  ],
};
