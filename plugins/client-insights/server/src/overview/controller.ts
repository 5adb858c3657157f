import type { Core } from '@strapi/strapi';
import { permission } from '../constants';
import { getService } from '../utils/get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async kpis(ctx) {
    ctx.body = { data: await getService(strapi, 'overviewKpis').kpis() };
  },
  async valueCharts(ctx) {
    const sensitive = Boolean(ctx.state?.userAbility?.can?.(permission('sensitive.view')));
    ctx.body = { data: await getService(strapi, 'overviewKpis').valueCharts(sensitive) };
  },
});
