import type { Core } from '@strapi/strapi';
import { automationApi } from '../../../../shared/contracts/automation';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { approverOf } from '../approvals/service';

/** The calling API token's id (audit), null for an admin. */
const tokenOf = (ctx: any): number | null => ctx.state?.auth?.credentials?.id ?? null;

/** Approval requests are made by admin users (an approver must be able to tell who asked). */
const requesterOf = (ctx: any, viewer: Viewer) => (viewer.kind === 'admin' ? approverOf(ctx, viewer.userId) : null);

/** Rules (admin under automation.manage; /api/crm/automation-rules for integrators), their lifecycle, test mode, logs and figures. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const automation = () => getService(strapi, 'automation');
  return {
    catalogue: (ctx) => respond(ctx, automationApi.catalogue, () => ({ data: automation().catalogue() })),
    logs: (ctx) => respond(ctx, automationApi.logs, ({ query }) => automation().logs(query)),
    list: (ctx) => respond(ctx, automationApi.list, ({ query }) => automation().list(query)),
    create: (ctx) => respond(ctx, automationApi.create, async ({ body }) => ({ data: await automation().create(body) }), 201),
    get: (ctx) => respond(ctx, automationApi.get, async ({ params }) => ({ data: await automation().get(params.id) })),
    update: (ctx) =>
      respond(ctx, automationApi.update, ({ viewer, params, body }) => automation().update(viewer, params.id, body, requesterOf(ctx, viewer), tokenOf(ctx))),
    patch: (ctx) =>
      respond(ctx, automationApi.patch, ({ viewer, params, body }) => automation().update(viewer, params.id, body, requesterOf(ctx, viewer), tokenOf(ctx))),
    remove: (ctx) => respond(ctx, automationApi.remove, async ({ params }) => ({ data: await automation().remove(params.id) })),
    activate: (ctx) => respond(ctx, automationApi.activate, ({ viewer, params }) => automation().activate(viewer, params.id, tokenOf(ctx))),
    resume: (ctx) => respond(ctx, automationApi.resume, ({ viewer, params }) => automation().resume(viewer, params.id)),
    pause: (ctx) => respond(ctx, automationApi.pause, ({ viewer, params }) => automation().pause(viewer, params.id, tokenOf(ctx))),
    submit: (ctx) =>
      respond(ctx, automationApi.submit, ({ viewer, params, body }) => {
        const requester = requesterOf(ctx, viewer);
        if (!requester) throw ApiError.forbidden('approval requests are made by admin users');
        return automation().submit(requester, params.id, body.reason);
      }),
    test: (ctx) => respond(ctx, automationApi.test, async ({ params, body }) => ({ data: await automation().test(params.id, body) })),
    figures: (ctx) => respond(ctx, automationApi.figures, async ({ params, query }) => ({ data: await automation().figures(params.id, query) })),
    forecast: (ctx) => respond(ctx, automationApi.forecast, async ({ params, body }) => ({ data: await automation().forecast(params.id, body) })),
    sendTest: (ctx) =>
      respond(ctx, automationApi.sendTest, async ({ viewer, params, body }) => ({ data: await automation().sendTest(viewer, params.id, body) })),
    retryDeadLetter: (ctx) => respond(ctx, automationApi.retryDeadLetter, async ({ body }) => ({ data: await automation().retryDeadLetter(body.idemKey) })),
  };
};
