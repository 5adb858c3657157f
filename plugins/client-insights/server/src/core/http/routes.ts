import type { Endpoint } from '../../../../shared/contracts/http';
import { permission, type ActionUid } from '../../../../shared/permissions';

/** A route of the plugin, as Strapi's router takes it. */
export type Route = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; handler: string; config: Record<string, unknown> };

/** A module's routes by router: admin routes under /client-insights, content-API routes under /api. */
export type ModuleRoutes = { admin?: Route[]; contentApi?: Route[] };

/**
 * The route of a contract's endpoint (its method and path; a content-API twin gives its own path).
 * Each route gets its own copy of `config`: Strapi writes a route's default auth scope into its
 * config in place, so routes sharing one object (`atApiRoot`) would all ask for the first one's.
 */
export const route = (endpoint: Endpoint, handler: string, config: Record<string, unknown>, path = endpoint.path): Route => ({
  method: endpoint.method,
  path,
  handler,
  config: { ...config },
});

/** Admin route config: a logged-in admin holding every one of these plugin actions. */
export const guard = (...actions: ActionUid[]) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: actions.map(permission) } }],
});

/**
 * Admin route config: any logged-in admin; the handler decides by the caller's actions (a route
 * open to holders of any one of several actions, e.g. approvals: the requester or an approver).
 */
export const signedIn = { policies: ['admin::isAuthenticatedAdmin'] };

/** Content-API route config for a path outside /api/client-insights (`/api/crm/…`). */
export const atApiRoot = { prefix: '' };
