import type { Core } from '@strapi/strapi';
import { registerMetricsLifecycles } from './lifecycles';
import { createMetricsQueue } from './queue';
import { recordPendingChanges } from '../segments/change-trigger';

/** Event other modules listen to: these customers' facts (metrics or own fields) may have changed. */
export const CUSTOMERS_CHANGED = 'client-insights:customers-changed';

/** The metrics rollup: rebuild, targeted refresh, and the dirty-queue that keeps it current. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const queue = createMetricsQueue(strapi.db.connection, {
    // Segment membership follows the facts: pending re-evaluations commit with the refreshed rows.
    onRefreshed: recordPendingChanges,
    onChanged: (customerIds) => void strapi.eventHub.emit(CUSTOMERS_CHANGED, { customerIds }),
  });
  return {
    /** Recomputes every row in one SQL pass; returns the row count. */
    rebuild: () => queue.rebuild(),
    /** Recomputes these customers' rows now. */
    refresh: (customerIds: number[]) => queue.refresh(customerIds),
    /** Recomputes the customers marked dirty by writes; resolves with their ids. */
    drain: () => queue.drain(),
    /** Called once from bootstrap: lifecycles, a startup drain and a once-a-minute safety drain. */
    async start() {
      registerMetricsLifecycles(strapi, queue);
      await queue.drain();
      strapi.plugin('client-insights').service('scheduler').schedule({
        name: 'metrics-drain',
        cron: '* * * * *',
        run: async () => void (await queue.drain()),
      });
    },
  };
};
