import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { actorOf } from './documents';
import { recordAudit } from './log';

/**
 * Where a refusal is about the product's data: the plugin's admin routes, the content API (REST,
 * `/api/crm/…`) and the content manager on the app's content types. Answers the target type.
 */
const targetOf = (path: string): string | null => {
  const plugin = path.match(new RegExp(`^/${PLUGIN_ID}/([^/?]+)`));
  if (plugin) return plugin[1];
  const api = path.match(/^\/api\/(?:client-insights\/|crm\/)?([^/?]+)/);
  if (api) return api[1];
  const contentManager = path.match(/^\/content-manager\/(?:collection-types|single-types|relations)\/(api::[\w-]+\.[\w-]+)/);
  return contentManager ? contentManager[1] : null;
};

/**
 * Policy refusals (403) go to the audit log: who tried what, from where. The plugin's own writes
 * record their refusals in respond(); this catches the rest: reads refused by a permission policy
 * (a Sales Manager opening the audit log), content-API calls a token is not granted, content
 * manager actions a role lacks. What was asked (query, body) is not kept: a refused search may
 * carry the very contact data the caller may not see.
 */
export const auditRefusals = (strapi: Core.Strapi) => {
  strapi.server.use(async (ctx: any, next: () => Promise<unknown>) => {
    await next();
    if (ctx.status !== 403 || ctx.state?.clientInsightsAudited) return;
    const targetType = targetOf(ctx.path);
    if (!targetType) return;
    try {
      await recordAudit(strapi.db.connection, {
        actor: actorOf(ctx),
        action: `${ctx.method} ${ctx.path}`,
        targetType,
        status: 403,
        ip: ctx.request?.ip ?? null,
        userAgent: ctx.get?.('user-agent') || null,
        details: { refused: ctx.body?.error?.name ?? 'ForbiddenError' },
      });
    } catch (error) {
      strapi.log.error(`[client-insights] audit: could not record a refusal of ${ctx.method} ${ctx.path}: ${(error as Error).message}`);
    }
  });
};
