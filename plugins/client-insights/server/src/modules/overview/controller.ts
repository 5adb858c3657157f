import type { Core } from '@strapi/strapi';
import { permission } from '../../core/constants';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async counts(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').counts() };
  },
  async kpis(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').kpis() };
  },
  async valueCharts(ctx) {
    const sensitive = Boolean(ctx.state?.userAbility?.can?.(permission('sensitive.view')));
    ctx.body = { data: await getService(strapi, 'overview').valueCharts(sensitive) };
  },
});
