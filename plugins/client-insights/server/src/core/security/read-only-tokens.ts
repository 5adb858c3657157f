import type { Core } from '@strapi/strapi';

const HANDLER = /^(plugin::)?client-insights\./;

/** The scopes of the content-API routes that only read (GET) and run a plugin handler. */
const readScopes = (strapi: Core.Strapi): Set<string> => {
  const plugin = (strapi.plugin('client-insights').routes as any)?.['content-api']?.routes ?? [];
  const host = ['segment', 'campaign'].flatMap((api) =>
    Object.values(((strapi as any).api?.(api)?.routes ?? {}) as Record<string, { routes?: any[] }>).flatMap((r) => r.routes ?? [])
  );
  return new Set(
    [...plugin, ...host]
      .filter((r: any) => r.method === 'GET' && (plugin.includes(r) || (typeof r.handler === 'string' && HANDLER.test(r.handler))))
      .flatMap((r: any) => [r.config?.auth?.scope ?? []].flat())
  );
};

/**
 * Strapi lets a read-only API token through only to scopes named `…find` / `…findOne`; the
 * plugin's read routes (catalogue, segments, results, value scores) have scopes named for what
 * they do, so a read-only token got 403 on all of them. A read-only token may now also use every
 * plugin GET route; anything else still takes Strapi's own check (expiry, full access, custom scopes).
 */
export const letReadOnlyTokensRead = (strapi: Core.Strapi) => {
  const auth = strapi.get('auth') as { verify(auth: any, config?: any): Promise<unknown> };
  const verify = auth.verify.bind(auth);
  let reads: Set<string> | null = null;
  auth.verify = async (who: any, config: any = {}) => {
    try {
      return await verify(who, config);
    } catch (error) {
      const scopes = [config?.scope ?? []].flat() as string[];
      reads ??= readScopes(strapi);
      const forbidden = (error as Error)?.name === 'ForbiddenError';
      if (forbidden && who?.credentials?.type === 'read-only' && scopes.length && scopes.every((s) => reads!.has(s))) return undefined;
      throw error;
    }
  };
};
