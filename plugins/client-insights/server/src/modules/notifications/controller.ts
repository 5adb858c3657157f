import type { Core } from '@strapi/strapi';
import { notificationsApi } from '../../../../shared/contracts/notifications';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const notifications = () => getService(strapi, 'notifications');
  /** Always the caller's own: the user comes from the session, never from the request. */
  const me = (viewer: Viewer) => {
    if (viewer.kind !== 'admin') throw ApiError.forbidden('notifications are for admin users');
    return viewer.userId;
  };
  return {
    list: (ctx: any) => respond(ctx, notificationsApi.list, ({ viewer, query }) => notifications().list(me(viewer), query)),
    read: (ctx: any) => respond(ctx, notificationsApi.read, async ({ viewer, params }) => ({ data: await notifications().markRead(me(viewer), params.id) })),
    readAll: (ctx: any) => respond(ctx, notificationsApi.readAll, async ({ viewer }) => ({ data: await notifications().markAllRead(me(viewer)) })),
  };
};
