import type { Core } from '@strapi/strapi';
import { segmentHistoryApi } from '../../../../../shared/contracts/segment-history';
import { respond } from '../../../core/http/respond';
import { getService } from '../../../get-service';

/** Segment history's routes (contract: shared/contracts/segment-history.ts). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const history = () => getService(strapi, 'segments').history;
  return {
    history: (ctx) => respond(ctx, segmentHistoryApi.history, ({ viewer, params, query }) => history().history(viewer, params.id, query)),
    diff: (ctx) =>
      respond(ctx, segmentHistoryApi.diff, async ({ viewer, params, query }) => ({ data: await history().diff(viewer, params.id, query.from, query.to) })),
    version: (ctx) =>
      respond(ctx, segmentHistoryApi.version, async ({ viewer, params }) => ({ data: await history().version(viewer, params.id, params.version) })),
    restore: (ctx) => respond(ctx, segmentHistoryApi.restore, ({ viewer, params }) => history().restore(viewer, params.id, params.version)),
    runMembers: (ctx) => respond(ctx, segmentHistoryApi.runMembers, ({ viewer, params, query }) => history().runMembers(viewer, params.id, params.run, query)),
    compareRuns: (ctx) => respond(ctx, segmentHistoryApi.compareRuns, ({ viewer, params, query }) => history().compareRuns(viewer, params.id, query)),
  };
};
