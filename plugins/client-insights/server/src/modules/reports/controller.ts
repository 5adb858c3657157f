import type { Core } from '@strapi/strapi';
import { reportsApi } from '../../../../shared/contracts/reports';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  analytics: (ctx) =>
    respond(ctx, reportsApi.analytics, async ({ viewer, params, query }) => ({
      data: await getService(strapi, 'reports').analytics(viewer, params.segmentId, query),
    })),
  trends: (ctx) =>
    respond(ctx, reportsApi.trends, async ({ viewer, params, query }) => ({
      data: await getService(strapi, 'reports').trends(viewer, params.segmentId, query),
    })),
  attribution: (ctx) =>
    respond(ctx, reportsApi.attribution, async ({ viewer, params, query }) => ({
      data: await getService(strapi, 'reports').attribution(viewer, params.id, query),
    })),
});
