import type { Core } from '@strapi/strapi';
import { overviewApi } from '../../../../shared/contracts/overview';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  counts: (ctx) => respond(ctx, overviewApi.counts, async ({ viewer }) => ({ data: await getService(strapi, 'overview').counts(viewer) })),
  kpis: (ctx) => respond(ctx, overviewApi.kpis, async () => ({ data: await getService(strapi, 'overview').kpis() })),
  valueCharts: (ctx) => respond(ctx, overviewApi.valueCharts, async () => ({ data: await getService(strapi, 'overview').valueCharts() })),
});
