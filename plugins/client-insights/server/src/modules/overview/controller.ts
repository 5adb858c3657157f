import type { Core } from '@strapi/strapi';
import { getService } from '../../get-service';
import { viewerOf } from '../segments/visibility';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async counts(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').counts(viewerOf(ctx)) };
  },
  async kpis(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').kpis() };
  },
  async valueCharts(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').valueCharts() };
  },
});
