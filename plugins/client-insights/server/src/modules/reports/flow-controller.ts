import type { Core } from '@strapi/strapi';
import { reportsApi } from '../../../../shared/contracts/reports';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

/** The customer flow and monitoring reports' handlers (reports.flow, reports.flowCustomers, reports.monitoring). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  flow: (ctx) => respond(ctx, reportsApi.flow, async ({ viewer, query }) => ({ data: await getService(strapi, 'reportsFlow').flow(viewer, query) })),
  flowCustomers: (ctx) => respond(ctx, reportsApi.flowCustomers, async ({ viewer, query }) => getService(strapi, 'reportsFlow').flowCustomers(viewer, query)),
  monitoring: (ctx) =>
    respond(ctx, reportsApi.monitoring, async ({ viewer, query }) => ({ data: await getService(strapi, 'reportsMonitoring').monitoring(viewer, query) })),
});
