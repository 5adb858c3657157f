import { PLUGIN_ID } from '../../../../shared/permissions';
import type { DocRoute } from './document';

type StrapiRoute = {
  method: string;
  path: string;
  handler: unknown;
  config?: { prefix?: string; policies?: unknown[]; auth?: false | { scope?: string[] } };
};
/** A router as Strapi registers it: the plugin's `admin` and `content-api`, or one of an API's routers. */
export type Router = { type?: string; prefix?: string; routes: StrapiRoute[] };

const HANDLER_PREFIX = `plugin::${PLUGIN_ID}.`;

/** The RBAC actions an admin route's `admin::hasPermissions` policy requires. */
const adminActions = (route: StrapiRoute): string[] =>
  (route.config?.policies ?? []).flatMap((p: any) => (p?.name === 'admin::hasPermissions' ? (p.config?.actions ?? []) : []));

/**
 * The routes that run a plugin handler, with the URL patterns Strapi mounts them at: the plugin's
 * own routers (under `/client-insights`, or the prefix a route gives) and the routes a host API
 * declares with a `plugin::client-insights.*` handler (the `/api/segments/*` twins). The same
 * function reads Strapi's registries at startup and the route modules in `npm run docs:api`.
 */
export const mountedRoutes = (plugin: Record<string, Router>, hostRouters: Router[], apiPrefix = '/api'): DocRoute[] => {
  const read = (router: Router, defaultPrefix: string, handlerOf: (route: StrapiRoute) => string | null) =>
    router.routes.flatMap((route): DocRoute[] => {
      const handler = handlerOf(route);
      if (!handler) return [];
      const api = router.type === 'content-api';
      const prefix = route.config && 'prefix' in route.config ? route.config.prefix : (router.prefix ?? defaultPrefix);
      return [
        {
          method: route.method as DocRoute['method'],
          path: `${api ? apiPrefix : ''}${prefix}${route.path}`,
          handler,
          audience: api ? 'api' : 'admin',
          // A content-API route's scope is the one it declares, else Strapi's default for a plugin handler.
          permissions: api ? ((route.config?.auth || undefined)?.scope ?? [`${HANDLER_PREFIX}${handler}`]) : adminActions(route),
          ...(route.config?.auth === false ? { public: true } : {}),
        },
      ];
    });
  const own = Object.values(plugin).flatMap((router) => read(router, `/${PLUGIN_ID}`, (route) => String(route.handler)));
  const host = hostRouters.flatMap((router) =>
    read(router, '', (route) =>
      typeof route.handler === 'string' && route.handler.startsWith(HANDLER_PREFIX) ? route.handler.slice(HANDLER_PREFIX.length) : null
    )
  );
  return [...own, ...host];
};
