import type { Core } from '@strapi/strapi';
import { migrate } from './core/db/migrate';
import { reencryptIfNeeded } from './core/security/reencrypt';
import { getService } from './get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // Plugin tables (knex) come after Strapi's own schema sync, before anything reads them.
  await migrate(strapi.db.connection);
  // Subscriptions to the events seam before any writer runs (the metrics drain below is one).
  getService(strapi, 'segments').subscribe();
  // Keep the metrics rollup current on every write, and drain marks a crash left behind.
  await getService(strapi, 'metrics').start();
  // Segment schedules, data-change re-evaluation, and redoing runs a crash interrupted.
  await getService(strapi, 'segments').start();
  // Value-model recalculation on its configured schedule.
  await getService(strapi, 'values').start();
  // Written export files are deleted a day after they were written.
  getService(strapi, 'exports').schedulePurge();
  // Audit entries are kept `audit.keepDays` (default 90).
  getService(strapi, 'audit').schedulePurge();
  // Contact data written before encryption or under an older key: re-encrypted by a background job.
  await reencryptIfNeeded(strapi);
  // The OpenAPI document of every plugin route, once Strapi has registered them all (it did before bootstrap).
  getService(strapi, 'docs').build();
};
