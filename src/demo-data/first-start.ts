import type { Core } from '@strapi/strapi';
import { seedWithMetrics } from './seed';

/**
 * The first start on an empty database loads a demo set (DEMO_CUSTOMERS, default 5,000; 0 = none)
 * and scores it once, so the value models, the profile's Value section and score.* conditions
 * work from the first minute instead of showing "No value scores yet".
 */
export const loadDemoDataOnFirstStart = async (strapi: Core.Strapi) => {
  const wanted = Number(process.env.DEMO_CUSTOMERS ?? 5000);
  if (!Number.isInteger(wanted) || wanted <= 0) return;
  if ((await strapi.db.query('api::customer.customer').count()) > 0) return;
  strapi.log.info(`[client-insights] empty database: loading ${wanted} demo customers…`);
  const result = await seedWithMetrics(strapi, { customers: wanted, seed: 42 });
  strapi.log.info(
    `[client-insights] demo data: ${result.customers} customers, ${result.orders} orders, ${result.interactions} interactions (${(result.ms / 1000).toFixed(1)} s)`
  );
  const started = Date.now();
  const values = strapi.plugin('client-insights').service('values') as { runNow(trigger: 'script'): Promise<unknown> };
  try {
    await values.runNow('script');
    strapi.log.info(`[client-insights] demo data: value scores calculated (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    // The app starts anyway; Value models → Recalculate tries again.
    strapi.log.warn(`[client-insights] demo data: the first value-score calculation failed: ${(error as Error).message}`);
  }
};
