import type { Core } from '@strapi/strapi';
import { approvalsApi } from '../../../../shared/contracts/approvals';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { approverOf } from './service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const approvals = () => getService(strapi, 'approvals');
  /** The routes are admin-only (signedIn); what each caller may do is decided by their actions. */
  const who = (ctx: any, viewer: Viewer) => {
    if (viewer.kind !== 'admin') throw ApiError.forbidden('approvals are for admin users');
    return approverOf(ctx, viewer.userId);
  };
  return {
    list: (ctx) => respond(ctx, approvalsApi.list, ({ viewer, query }) => approvals().list(who(ctx, viewer), query)),
    get: (ctx) => respond(ctx, approvalsApi.get, async ({ viewer, params }) => ({ data: await approvals().get(who(ctx, viewer), params.id) })),
    approve: (ctx) =>
      respond(ctx, approvalsApi.approve, async ({ viewer, params, body }) => ({
        data: await approvals().approve(who(ctx, viewer), params.id, body.comment ?? null),
      })),
    reject: (ctx) =>
      respond(ctx, approvalsApi.reject, async ({ viewer, params, body }) => ({ data: await approvals().reject(who(ctx, viewer), params.id, body.comment) })),
    cancel: (ctx) => respond(ctx, approvalsApi.cancel, async ({ viewer, params }) => ({ data: await approvals().cancel(who(ctx, viewer), params.id) })),
  };
};
