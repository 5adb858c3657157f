import type { TestApp } from './strapi';

/** A route that runs a plugin handler, with its full URL pattern and what a caller needs. */
export type PluginRoute = {
  method: string;
  path: string;
  /** `<module>.<action>`. */
  handler: string;
  as: 'admin' | 'api';
  /** Admin: the RBAC actions its policy requires; API: the token scope Strapi checks. */
  permissions: string[];
  /** Strapi checks no credentials (`auth: false`): the handler checks its own (a signed token, a shared secret, the metrics token). */
  public?: true;
};

const HANDLER = 'plugin::client-insights.';

/**
 * Every route that runs a plugin handler, read from the running app: the plugin's admin and
 * content-API routers and the /api/segments/* routes the host's Segment API declares.
 */
export const pluginRoutes = (app: TestApp): PluginRoute[] => {
  const plugin = app.strapi.plugin('client-insights').routes as unknown as Record<string, { type: string; routes: any[] }>;
  const admin = plugin.admin.routes.map((r) => ({
    method: r.method,
    path: `/client-insights${r.path}`,
    handler: r.handler,
    as: 'admin' as const,
    permissions: (r.config?.policies ?? []).flatMap((p: any) => (p?.name === 'admin::hasPermissions' ? p.config.actions : [])),
  }));
  const content = plugin['content-api'].routes.map((r) => ({
    method: r.method,
    path: `/api${r.config?.prefix ?? '/client-insights'}${r.path}`,
    handler: r.handler,
    as: 'api' as const,
    permissions: r.config.auth === false ? [] : r.config.auth.scope,
    ...(r.config.auth === false ? { public: true as const } : {}),
  }));
  // The host APIs that declare plugin routes: /api/segments/* and /api/campaigns/:id/attribution.
  const hostRouters = ['segment', 'campaign'].flatMap((api) => Object.values((app.strapi as any).api(api).routes)) as { routes: any[] }[];
  const host = hostRouters
    .flatMap((router) => router.routes)
    .filter((r) => typeof r.handler === 'string' && r.handler.startsWith(HANDLER))
    .map((r) => ({ method: r.method, path: `/api${r.path}`, handler: r.handler.replace(HANDLER, ''), as: 'api' as const, permissions: r.config.auth.scope }));
  return [...admin, ...content, ...host];
};

/** `METHOD path` of every route the HTTP server mounts. */
export const mountedPaths = (app: TestApp) =>
  new Set((app.strapi.server.listRoutes() as Array<{ path: string; methods: string[] }>).flatMap((layer) => layer.methods.map((m) => `${m} ${layer.path}`)));
