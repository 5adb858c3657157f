import type { Core } from '@strapi/strapi';
import { tagsApi } from '../../../../shared/contracts/tags';
import { respond } from '../../core/http/respond';
import { seesContact } from '../../core/http/viewer';
import { checkRuleReads } from '../../core/security/sensitive';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tags = () => getService(strapi, 'tags');
  return {
    list: (ctx) => respond(ctx, tagsApi.list, async ({ query }) => ({ data: await tags().list(query) })),
    get: (ctx) => respond(ctx, tagsApi.get, async ({ params }) => ({ data: await tags().get(params.id) })),
    create: (ctx) =>
      respond(
        ctx,
        tagsApi.create,
        async ({ body, viewer }) => {
          checkRuleReads(body.rule, seesContact(viewer));
          return { data: await tags().create(body) };
        },
        201
      ),
    update: (ctx) =>
      respond(ctx, tagsApi.update, async ({ params, body, viewer }) => {
        checkRuleReads(body.rule, seesContact(viewer));
        return { data: await tags().update(params.id, body) };
      }),
    merge: (ctx) => respond(ctx, tagsApi.merge, async ({ body }) => ({ data: await tags().merge(body.source, body.target) })),
    bulk: (ctx) => respond(ctx, tagsApi.bulk, async ({ params, body, viewer }) => ({ data: await tags().bulk(params.id, body, viewer) })),
    runRule: (ctx) =>
      respond(
        ctx,
        tagsApi.runRule,
        async ({ params, viewer }) => {
          const { job, started } = await tags().startRuleRun(params.id, viewer.kind === 'admin' ? viewer.userId : null);
          return { data: { ...job, started } };
        },
        202
      ),
  };
};
