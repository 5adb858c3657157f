import type { Core } from '@strapi/strapi';
import { webhookEndpointsApi } from '../../../../../shared/contracts/automation-endpoints';
import { respond } from '../../../core/http/respond';
import { getService } from '../../../get-service';

/** Webhook endpoints (`automation.manage`, checked by the routes' guard). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const endpoints = () => getService(strapi, 'webhookEndpoints');
  return {
    list: (ctx: any) => respond(ctx, webhookEndpointsApi.list, async () => ({ data: await endpoints().list() })),
    create: (ctx: any) =>
      respond(
        ctx,
        webhookEndpointsApi.create,
        async ({ body, viewer }) => ({ data: await endpoints().create(body, viewer.kind === 'admin' ? viewer.userId : null) }),
        201
      ),
    update: (ctx: any) => respond(ctx, webhookEndpointsApi.update, async ({ params, body }) => ({ data: await endpoints().update(params.id, body) })),
    remove: (ctx: any) => respond(ctx, webhookEndpointsApi.remove, async ({ params }) => ({ data: await endpoints().remove(params.id) })),
    rotateSecret: (ctx: any) => respond(ctx, webhookEndpointsApi.rotateSecret, async ({ params }) => ({ data: await endpoints().rotateSecret(params.id) })),
  };
};
