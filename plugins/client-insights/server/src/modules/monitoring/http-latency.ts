import type { Core } from '@strapi/strapi';
import type { Metrics } from './registry';

/**
 * HTTP API latency by route: a Koa middleware outermost (mounted in register, before Strapi's
 * own), labelled by the router's matched pattern (`/client-insights/segments/:id`), never the raw
 * URL, so the number of series stays the number of routes. Anything unmatched (the admin's static
 * files, unknown URLs) is one label.
 */
export const measureHttp = (strapi: Core.Strapi, metrics: () => Metrics | null) => {
  strapi.server.use(async (ctx: any, next: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      metrics()?.http.observe({ method: ctx.method, route, status: String(ctx.status) }, (performance.now() - started) / 1000);
    }
  });
};
