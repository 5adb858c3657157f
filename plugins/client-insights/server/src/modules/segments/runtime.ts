import { getService } from '../../get-service';
import { CUSTOMERS_CHANGED } from '../metrics/service';
import { createChangeQueue, reevaluateCustomers } from './change-trigger';
import type { SegmentsContext } from './context';
import { createExecutor, type Executor } from './executor';
import type { SegmentRow } from './repository';
import { ruleEngine } from './rule-engine';
import { createScheduleSync, scheduleSlot } from './schedule';

/**
 * What keeps segments current while the app runs: the executor, the schedules (re-read from the
 * segments on every change and every `syncIntervalMs`), the data-change trigger and the recovery
 * of interrupted runs; started by the plugin's bootstrap, stopped by its destroy.
 */
export const createRuntime = ({ strapi, knex, tables, config, loadSegments, log }: SegmentsContext) => {
  let executorCache: Executor | null = null;
  const executor = () =>
    (executorCache ??= createExecutor({ knex: knex(), tables: tables(), engine: ruleEngine, config, loadSegments, log }));

  const reevaluate = async (customerIds: number[]) =>
    reevaluateCustomers(knex(), tables(), ruleEngine(), await loadSegments(), customerIds);
  const changes = createChangeQueue(knex(), () => config().changeDebounceMs, reevaluate, (error) => log.error(`[client-insights] segment re-evaluation failed (retried on the next pass): ${error.message}`));

  let syncSchedules: ((segments: SegmentRow[]) => void) | null = null;
  /** Re-reads the schedules after a segment was created, changed or removed. */
  const resync = async () => syncSchedules?.(await loadSegments());
  let interval: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;

  return {
    executor,
    resync,
    /** Re-evaluates dynamic segments for these customers now (the event listener debounces into this). */
    reevaluate,
    /** Waits until pending customer changes have been applied. */
    idle: () => changes.idle(),
    /** Applies pending customer changes now. */
    applyPendingChanges: () => changes.flush(),
    recover: () => executor().recover(),

    async start() {
      const scheduler = getService(strapi, 'scheduler');
      syncSchedules = createScheduleSync(scheduler, async (segmentId, tick) => {
        // Only records and starts the run: the job lock is released at once, the run holds its own.
        await executor().execute(segmentId, { trigger: 'schedule', wait: false, scheduleSlot: scheduleSlot(tick) });
      });
      await resync();
      scheduler.schedule({ name: 'segments:recover', cron: '* * * * *', run: async () => void (await executor().recover()) });
      scheduler.schedule({ name: 'segments:pending-changes', cron: '* * * * *', run: () => changes.flush() });
      interval = setInterval(() => void resync().catch((e) => log.warn(`[client-insights] schedule sync failed: ${e.message}`)), config().syncIntervalMs);
      interval.unref();
      unsubscribe = strapi.eventHub.on(CUSTOMERS_CHANGED, async () => changes.notify()) as unknown as () => void;
      // Changes a previous process recorded but did not apply.
      void changes.flush();
      // Runs a previous process left unfinished are redone in the background.
      void executor()
        .recover()
        .catch((e) => log.error(`[client-insights] recovering segment runs failed: ${e.message}`));
    },

    stop() {
      if (interval) clearInterval(interval);
      interval = null;
      changes.stop();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
};
