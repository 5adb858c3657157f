/**
 * Client Insights endpoints under /api/segments/*. They are declared here, in the Segment API,
 * because Strapi registers this API's core routes (GET /api/segments/:id, ...) before any plugin
 * route: a plugin route at /segments/catalogue would never be reached. This file sorts before
 * segment.ts, so these routes are matched first. Handlers live in the plugin.
 */
export default {
  routes: [],
};
