import type { Core } from '@strapi/strapi';
import { syncApi } from '../../../../shared/contracts/sync';
import { respond } from '../../core/http/respond';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';

/** The admin user asking (null for an API token). */
const userOf = (viewer: Viewer) => (viewer.kind === 'admin' ? viewer.userId : null);

/** Sync destinations and runs (`sync.manage`, checked by the routes' guard). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const sync = () => getService(strapi, 'sync');
  return {
    list: (ctx: any) => respond(ctx, syncApi.list, async () => ({ data: await sync().list() })),
    create: (ctx: any) => respond(ctx, syncApi.create, async ({ body, viewer }) => ({ data: await sync().create(body, userOf(viewer)) }), 201),
    update: (ctx: any) => respond(ctx, syncApi.update, async ({ params, body }) => ({ data: await sync().update(params.id, body) })),
    remove: (ctx: any) => respond(ctx, syncApi.remove, async ({ params }) => ({ data: await sync().remove(params.id) })),
    run: (ctx: any) =>
      respond(
        ctx,
        syncApi.run,
        async ({ params, body, viewer }) => ({ data: await sync().start(params.id, { mode: body.mode, userId: userOf(viewer) }) }),
        202
      ),
    runs: (ctx: any) => respond(ctx, syncApi.runs, async ({ params }) => ({ data: await sync().runs(params.id) })),
  };
};
