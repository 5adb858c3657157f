import type { Core } from '@strapi/strapi';
import { getService } from '../../../get-service';
import { purgeLogs } from './logs';
import { automationSettings } from './settings';

const PURGE_SCHEDULE = 'automation-log-purge';

/** Log lines are kept `automation.logRetentionDays` (default 90): purged nightly, once across nodes. */
export const scheduleLogPurge = (strapi: Core.Strapi) =>
  getService(strapi, 'scheduler').schedule({
    name: PURGE_SCHEDULE,
    cron: '47 3 * * *',
    run: async () => void (await purgeLogs(strapi.db.connection, automationSettings(strapi).logRetentionDays)),
  });
