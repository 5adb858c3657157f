import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { buildOpenApi } from '../../plugins/client-insights/server/src/modules/docs/document';
import { mountedRoutes, type Router } from '../../plugins/client-insights/server/src/modules/docs/mounted-routes';
import { mountedPaths, pluginRoutes } from '../helpers/plugin-routes';
import { adminSession, apiToken, restrictedSession, ROOT, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The OpenAPI document the app serves: every route it mounts for the plugin is in it (and nothing
 * else), with its method, path, handler and who may call it; it is what a fresh generation from
 * the running app's routes gives, and what docs/openapi.json holds.
 */

const ADMIN_URL = '/client-insights/openapi.json';
const API_URL = '/api/client-insights/openapi.json';

describe('the OpenAPI document of the plugin', () => {
  let app: TestApp;
  let admin: string;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    token = await apiToken(app);
  });
  afterAll(async () => app?.stop());

  const get = async (url: string, bearer?: string) => {
    const res = await fetch(`${app.url}${url}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('describes every route the app mounts for the plugin, at its method and path, and nothing else', async () => {
    const { status, body: doc } = await get(ADMIN_URL, admin);
    expect(status).toBe(200);
    const routes = pluginRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(70);
    const mounted = mountedPaths(app);
    const problems: string[] = [];
    for (const route of routes) {
      const label = `${route.method} ${route.path} (${route.handler})`;
      if (!mounted.has(`${route.method} ${route.path}`)) problems.push(`${label}: not mounted`);
      // A custom API token needs exactly the scope of the handler the route runs.
      if (route.as === 'api' && !route.public && JSON.stringify(route.permissions) !== JSON.stringify([`plugin::client-insights.${route.handler}`])) {
        problems.push(`${label}: asks for the token scope ${JSON.stringify(route.permissions)}`);
      }
      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!op) {
        problems.push(`${label}: not in the document`);
        continue;
      }
      if (op['x-strapi-handler'] !== `plugin::client-insights.${route.handler}`) problems.push(`${label}: documented as ${op['x-strapi-handler']}`);
      const security = route.public ? [] : [{ [route.as === 'admin' ? 'adminJwt' : 'apiToken']: route.permissions }];
      // The Prometheus metrics route checks its own bearer token: it says so in words, with no Strapi scheme.
      if (route.public && route.handler.startsWith('monitoring.') && !/its own bearer token/.test(op.description))
        problems.push(`${label}: does not say which token it needs`);
      if (JSON.stringify(op.security) !== JSON.stringify(security))
        problems.push(`${label}: security ${JSON.stringify(op.security)}, needs ${JSON.stringify(security)}`);
    }
    expect(problems).toEqual([]);
    const operations = Object.values(doc.paths).reduce((n: number, item) => n + Object.keys(item as object).length, 0);
    expect(operations).toBe(routes.length);
  });

  it('serves the same document on both APIs: a fresh generation from the running app, and docs/openapi.json', async () => {
    const served = (await get(ADMIN_URL, admin)).body;
    expect((await get(API_URL, token)).body).toEqual(served);
    const plugin = app.strapi.plugin('client-insights').routes as unknown as Record<string, Router>;
    const host = Object.values(app.strapi.apis).flatMap((api) => Object.values(api.routes as unknown as Record<string, Router>));
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApi(mountedRoutes(plugin, host)))));
    expect(served).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8')));
  });

  it('asks for credentials: an admin with segments.read, or an API token with its scope', async () => {
    expect((await get(ADMIN_URL)).status).toBe(401);
    expect((await get(API_URL)).status).toBe(403);
    expect((await get(ADMIN_URL, await restrictedSession(app, ['tags.manage']))).status).toBe(403);
    expect((await get(ADMIN_URL, await restrictedSession(app, ['segments.read']))).status).toBe(200);
    const scoped = async (scope: string) =>
      (
        await app.strapi.service('admin::api-token').create({
          name: `openapi-${crypto.randomBytes(3).toString('hex')}`,
          type: 'custom',
          lifespan: null,
          permissions: [scope],
        })
      ).accessKey as string;
    expect((await get(API_URL, await scoped('plugin::client-insights.docs.openapi'))).status).toBe(200);
    expect((await get(API_URL, await scoped('plugin::client-insights.overview.counts'))).status).toBe(403);
  });
});
