import type { Core } from '@strapi/strapi';
import { getService } from './get-service';
import { stopWorker } from './modules/automation/engine/worker';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // No new ticks first; then runs in progress finish before Strapi closes the database.
  getService(strapi, 'scheduler').stop();
  await getService(strapi, 'segments').stop();
  getService(strapi, 'tagRules').stop();
  await getService(strapi, 'automationTriggers').stop();
  await stopWorker(strapi);
  await getService(strapi, 'reports').settled();
  getService(strapi, 'monitoring').stop();
};
