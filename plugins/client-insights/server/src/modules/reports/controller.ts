import type { Core } from '@strapi/strapi';
import { reportsApi } from '../../../../shared/contracts/reports';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { can } from '../../core/http/viewer';
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
  /** Rule editors (automation.manage) and report readers (reports.read) both pick campaigns by name. */
  campaigns: (ctx) =>
    respond(ctx, reportsApi.campaigns, async ({ query }) => {
      if (!can(ctx, 'automation.manage') && !can(ctx, 'reports.read')) throw ApiError.forbidden('listing campaigns needs automation.manage or reports.read');
      return { data: await getService(strapi, 'reports').campaigns(query) };
    }),
});
