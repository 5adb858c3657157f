import type { Core } from '@strapi/strapi';
import { segmentsApi } from '../../../../shared/contracts/segments';
import { respond } from '../../core/http/respond';
import { seesContact } from '../../core/http/viewer';
import { checkRuleReads } from '../../core/security/sensitive';
import { getService } from '../../get-service';
import { exportFilename } from '../exports/filename';
import { csvFormatOf } from './csv-locale';

/** Admin users act as themselves (visibility applies); content-API callers act for no user. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const segments = () => getService(strapi, 'segments');
  return {
    list: (ctx) => respond(ctx, segmentsApi.list, ({ viewer, query }) => segments().list(viewer, query)),
    create: (ctx) =>
      respond(
        ctx,
        segmentsApi.create,
        async ({ viewer, body }) => {
          checkRuleReads(body.rule, seesContact(viewer));
          return { data: await segments().create(viewer, body) };
        },
        201
      ),
    get: (ctx) => respond(ctx, segmentsApi.get, async ({ viewer, params }) => ({ data: await segments().get(viewer, params.id) })),
    update: (ctx) =>
      respond(ctx, segmentsApi.update, async ({ viewer, params, body }) => {
        checkRuleReads(body.rule, seesContact(viewer));
        return { data: await segments().update(viewer, params.id, body) };
      }),
    remove: (ctx) => respond(ctx, segmentsApi.remove, async ({ viewer, params }) => ({ data: await segments().remove(viewer, params.id) })),
    execute: (ctx) =>
      respond(
        ctx,
        segmentsApi.execute,
        async ({ viewer, params, body }) => ({ data: await segments().execute(viewer, params.id, body) }),
        ({ body }) => (body.wait ? 200 : 202)
      ),
    results: (ctx) => respond(ctx, segmentsApi.results, ({ viewer, query }) => segments().results(viewer, query)),
    result: (ctx) => respond(ctx, segmentsApi.result, async ({ viewer, params }) => ({ data: await segments().result(viewer, params.id) })),
    /** 200 with the run cancelled, or 202 while a running run stops at its next phase. */
    cancelRun: (ctx) =>
      respond(
        ctx,
        segmentsApi.cancelRun,
        async ({ viewer, params }) => ({ data: await segments().cancelRun(viewer, params.id) }),
        (_, { data }) => (data.status === 'running' ? 202 : 200)
      ),
    resultCustomers: (ctx) =>
      respond(ctx, segmentsApi.resultCustomers, ({ viewer, params, query }) => segments().resultCustomers(viewer, params.id, query.change, query)),
    exportResult: (ctx) =>
      respond(ctx, segmentsApi.exportResult, async ({ viewer, params, query, body: { change } }) => {
        const csv = await segments().exportCsv(viewer, params.id, change, csvFormatOf(query, ctx.get('accept-language')));
        getService(strapi, 'exports').refuseUnapproved(csv);
        ctx.set('content-type', 'text/csv; charset=utf-8');
        ctx.set('content-disposition', `attachment; filename="${exportFilename({ source: 'segmentResult', result: params.id, change })}"`);
        return csv.stream;
      }),
    currentCustomers: (ctx) => respond(ctx, segmentsApi.currentCustomers, ({ viewer, params, query }) => segments().currentCustomers(viewer, params.id, query)),
    tree: (ctx) => respond(ctx, segmentsApi.tree, async ({ viewer }) => ({ data: await segments().tree(viewer) })),
    primary: (ctx) => respond(ctx, segmentsApi.primary, async ({ viewer, query }) => ({ data: await segments().primary(viewer, query.customerIds) })),
  };
};
