import type { Core } from '@strapi/strapi';
import { registerMetricsLifecycles } from './lifecycles';
import { createMetricsQueue } from './queue';
import { backgroundJobsOff } from '../../core/jobs/scheduler';
import { getService } from '../../get-service';

/** The metrics rollup: rebuild, targeted refresh, and the dirty-queue that keeps it current. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const events = () => getService(strapi, 'events');
  const queue = createMetricsQueue(strapi.db.connection, {
    // customers.changed: hooks (e.g. segments' pending re-evaluations) commit with the refreshed rows.
    onRefreshed: (trx, customerIds) => events().within(trx, 'customers.changed', { customerIds }),
    onChanged: (customerIds) => void events().publish('customers.changed', { customerIds }),
  });
  return {
    /** Recomputes every row in one SQL pass; returns the row count. */
    rebuild: () => queue.rebuild(),
    /** Recomputes these customers' rows now. */
    refresh: (customerIds: number[]) => queue.refresh(customerIds),
    /** Recomputes the customers marked dirty by writes; resolves with their ids. */
    drain: () => queue.drain(),
    /** Marks and drains the customers that have no rollup row and were never marked. */
    reconcile: () => queue.reconcile(),
    /**
     * Called once from bootstrap: lifecycles, a startup reconcile, a once-a-minute safety drain and
     * an hourly reconcile (customers written around Strapi get their rows within the hour). Scripts
     * (background jobs off: seed, benchmarks) rebuild or read the rollup as they need.
     */
    start() {
      registerMetricsLifecycles(strapi, queue);
      if (backgroundJobsOff()) return;
      // Marks a crash left and customers loaded around Strapi while it was down, in the background:
      // after a bulk load that is a rebuild (about a minute per million customers), not a boot delay.
      void queue.reconcile().catch((error) => strapi.log.error(`client-insights: metrics reconcile failed: ${error.message}`));
      const scheduler = strapi.plugin('client-insights').service('scheduler');
      scheduler.schedule({ name: 'metrics-drain', cron: '* * * * *', run: async () => void (await queue.drain()) });
      scheduler.schedule({ name: 'metrics-reconcile', cron: '17 * * * *', run: async () => void (await queue.reconcile()) });
    },
  };
};
