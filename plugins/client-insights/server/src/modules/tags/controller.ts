import type { Core } from '@strapi/strapi';
import { tagsApi } from '../../../../shared/contracts/tags';
import { respond } from '../../core/http/respond';
import { seesContact } from '../../core/http/viewer';
import { checkRuleReads } from '../../core/security/sensitive';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tags = () => getService(strapi, 'tags');
  return {
    list: (ctx) => respond(ctx, tagsApi.list, async ({ viewer, query }) => ({ data: await tags().list(viewer, query) })),
    get: (ctx) => respond(ctx, tagsApi.get, async ({ viewer, params }) => ({ data: await tags().get(viewer, params.id) })),
    create: (ctx) =>
      respond(
        ctx,
        tagsApi.create,
        async ({ body, viewer }) => {
          checkRuleReads(body.rule, seesContact(viewer));
          return { data: await tags().create(viewer, body) };
        },
        201
      ),
    update: (ctx) =>
      respond(ctx, tagsApi.update, async ({ params, body, viewer }) => {
        checkRuleReads(body.rule, seesContact(viewer));
        return { data: await tags().update(viewer, params.id, body) };
      }),
    merge: (ctx) => respond(ctx, tagsApi.merge, async ({ viewer, body }) => ({ data: await tags().merge(viewer, body.source, body.target) })),
    bulk: (ctx) => respond(ctx, tagsApi.bulk, async ({ params, body, viewer }) => ({ data: await tags().bulk(params.id, body, viewer) })),
    runRule: (ctx) =>
      respond(
        ctx,
        tagsApi.runRule,
        async ({ params, viewer }) => {
          const { job, started } = await tags().startRuleRun(viewer, params.id);
          return { data: { ...job, started } };
        },
        202
      ),
    ruleLog: (ctx) => respond(ctx, tagsApi.ruleLog, async ({ params, query, viewer }) => ({ data: await tags().ruleLog(viewer, params.id, query) })),
  };
};
