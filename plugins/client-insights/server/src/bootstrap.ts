import type { Core } from '@strapi/strapi';
import { forwardAuditToStrapi } from './core/audit/forward';
import { migrate } from './core/db/migrate';
import { backgroundJobsOff } from './core/jobs/scheduler';
import { reencryptIfNeeded } from './core/security/reencrypt';
import { getService } from './get-service';
import { scheduleLogPurge } from './modules/automation/engine/retention';
import { startWorker } from './modules/automation/engine/worker';
import { trackCustomerTotal } from './modules/customers/total';
import { generateStrapiDocumentationInProduction } from './modules/docs/strapi-documentation';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // Plugin tables (knex) come after Strapi's own schema sync, before anything reads them.
  await migrate(strapi.db.connection);
  // Prometheus metrics: previews and runs are recorded from here on (GET /api/client-insights/metrics).
  getService(strapi, 'monitoring').start();
  // Subscriptions to the events seam before any writer runs (the metrics drain below is one).
  getService(strapi, 'segments').subscribe();
  // Auto-tag rules: customers whose data changed are recorded for re-evaluation with their facts.
  getService(strapi, 'tagRules').subscribe();
  // Automation's inbox: events written in the writers' transactions (lifecycles, event hooks).
  getService(strapi, 'automationTriggers').subscribe();
  // The customer count the previews' share divides by, forgotten on every create and delete.
  trackCustomerTotal(strapi);
  // Keep the metrics rollup current on every write, and catch up (in the background) on marks a
  // crash left behind and customers written around Strapi.
  getService(strapi, 'metrics').start();
  // Segment schedules, data-change re-evaluation, and redoing runs a crash interrupted.
  await getService(strapi, 'segments').start();
  // Auto-tag rules on data change (debounced) and on their schedule (daily by default).
  getService(strapi, 'tagRules').start();
  // Automation triggers: the inbox loop and the time triggers' minute job.
  if (!backgroundJobsOff()) getService(strapi, 'automationTriggers').start();
  // Value-model recalculation on its configured schedule.
  await getService(strapi, 'values').start();
  // Written export files are deleted a day after they were written.
  getService(strapi, 'exports').schedulePurge();
  getService(strapi, 'reports').scheduleRefresh();
  // Approval requests not decided in time expire.
  getService(strapi, 'approvals').scheduleExpiry();
  // Audit entries are kept `audit.keepDays` (default 90).
  getService(strapi, 'audit').schedulePurge();
  // Sync destinations on their schedules (daily by default).
  await getService(strapi, 'sync').scheduleAll();
  // Automation's outbox worker on every node, and its log retention.
  if (!backgroundJobsOff()) startWorker(strapi);
  scheduleLogPurge(strapi);
  // Strapi Enterprise's audit log, where there is one, receives the plugin's entries as well.
  forwardAuditToStrapi(strapi);
  // Contact data written before encryption or under an older key: re-encrypted by a background job.
  if (!backgroundJobsOff()) await reencryptIfNeeded(strapi);
  // The OpenAPI document of every plugin route, once Strapi has registered them all (it did before bootstrap).
  getService(strapi, 'docs').build();
  // /documentation (Strapi's document of the content API, with the plugin's routes): written at every start.
  await generateStrapiDocumentationInProduction(strapi);
};
