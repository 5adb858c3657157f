import type { Core } from '@strapi/strapi';
import { seedWithMetrics } from './seed';

/** The first start on an empty database loads a demo set (DEMO_CUSTOMERS, default 5,000; 0 = none). */
export const loadDemoDataOnFirstStart = async (strapi: Core.Strapi) => {
  const wanted = Number(process.env.DEMO_CUSTOMERS ?? 5000);
  if (!Number.isInteger(wanted) || wanted <= 0) return;
  if ((await strapi.db.query('api::customer.customer').count()) > 0) return;
  strapi.log.info(`[client-insights] empty database: loading ${wanted} demo customers…`);
  const result = await seedWithMetrics(strapi, { customers: wanted, seed: 42 });
  strapi.log.info(
    `[client-insights] demo data: ${result.customers} customers, ${result.orders} orders, ${result.interactions} interactions (${(result.ms / 1000).toFixed(1)} s)`
  );
};
