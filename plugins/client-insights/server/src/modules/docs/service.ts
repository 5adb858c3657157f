import type { Core } from '@strapi/strapi';
import type { OpenApiDocument } from '../../../../shared/contracts/docs';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { buildOpenApi } from './document';
import { mountedRoutes, type Router } from './mounted-routes';

/** The OpenAPI document of the plugin routes this app mounts, built once and kept. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let document: OpenApiDocument | null = null;
  const service = {
    /**
     * Builds it from Strapi's route registries (bootstrap calls this: every route is registered by
     * then; register too, for /documentation, when a host API's router has no `type` yet: an API's
     * routers are content-API ones unless they say otherwise).
     */
    build(): OpenApiDocument {
      const plugin = strapi.plugin(PLUGIN_ID).routes as unknown as Record<string, Router>;
      const host = Object.values(strapi.apis).flatMap((api) =>
        Object.values(api.routes as unknown as Record<string, Router>).map((router) => ({ type: 'content-api', ...router }))
      );
      document = buildOpenApi(mountedRoutes(plugin, host, strapi.config.get('api.rest.prefix', '/api')));
      return document;
    },
    document: (): OpenApiDocument => document ?? service.build(),
  };
  return service;
};
