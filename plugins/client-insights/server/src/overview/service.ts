import type { Core } from '@strapi/strapi';
import { computeKpis } from './kpis';
import { valueCharts } from './value-charts';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  kpis: (now?: Date) => computeKpis(strapi, now),
  valueCharts: (sensitive: boolean) => valueCharts(strapi, sensitive),
});
