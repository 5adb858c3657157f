import { securityConfig } from '../../core/security/config';
import { TABLES } from '../../core/db/tables';
import { getService } from '../../get-service';
import { createChangeQueue, recordPendingChanges, reevaluateCustomers } from './change-trigger';
import type { SegmentsContext } from './context';
import { createExecutor, type Executor } from './executor';
import type { SegmentResult, Trigger } from './runs';
import { recordSystemJob } from '../../core/audit/system';
import type { SegmentRow } from './repository';
import { ruleEngine } from './rule-engine';
import { createScheduleSync, scheduleSlot } from './schedule';
import { createCoalescingTask } from '../../core/jobs/coalescing';
import { segmentsReadingFields } from './value-trigger';

/**
 * What keeps segments current while the app runs: the executor, the schedules (re-read from the
 * segments on every change and every `syncIntervalMs`), the data-change trigger and the recovery
 * of interrupted runs; started by the plugin's bootstrap, stopped by its destroy.
 */
const SYSTEM_TRIGGERS = new Set<Trigger>(['schedule', 'values']);

export const createRuntime = ({ strapi, knex, tables, config, loadSegments, log }: SegmentsContext) => {
  const events = () => getService(strapi, 'events');
  /** Runs nobody asked for (schedules, re-runs after a value refresh) are audited with the system as actor. */
  const auditSystemRun = async (run: SegmentResult) => {
    if (!SYSTEM_TRIGGERS.has(run.trigger)) return;
    await recordSystemJob(
      knex(),
      {
        action: `segment run (${run.trigger})`,
        targetType: 'segments',
        targetId: String(run.segmentId),
        details: { runId: run.runId, status: run.status, customerCount: run.customerCount, changes: run.changes, error: run.error },
      },
      log
    );
  };
  let executorCache: Executor | null = null;
  const executor = () =>
    (executorCache ??= createExecutor({
      knex: knex(),
      tables: tables(),
      engine: ruleEngine,
      config,
      loadSegments,
      log,
      events: events(),
      onFinished: auditSystemRun,
    }));

  const reevaluate = async (customerIds: number[]) =>
    reevaluateCustomers(knex(), tables(), ruleEngine(), await loadSegments(), customerIds, { events: events() });
  const changes = createChangeQueue(
    knex(),
    () => config().changeDebounceMs,
    reevaluate,
    (error) => log.error(`[client-insights] segment re-evaluation failed (retried on the next pass): ${error.message}`)
  );

  /**
   * After a value refresh, re-runs the materialised segments that read the refreshed score fields
   * (value-trigger.ts), one after another in dependency order; a refresh meanwhile runs them again.
   */
  const refreshedFields = new Set<string>();
  const scoreReruns = createCoalescingTask(
    async () => {
      const fields = new Set(refreshedFields);
      refreshedFields.clear();
      const stale = segmentsReadingFields(await loadSegments(), ruleEngine(), (path) => fields.has(path));
      if (stale.length === 0) return;
      const materialised = new Set(
        (
          await knex()(TABLES.segmentCurrent)
            .whereIn(
              'segment_id',
              stale.map((s) => s.id)
            )
            .pluck('segment_id')
        ).map(Number)
      );
      for (const segment of stale) {
        if (materialised.has(segment.id)) await executor().execute(segment.id, { trigger: 'values', wait: true });
      }
    },
    (error) => log.error(`[client-insights] re-running segments after a value refresh failed: ${error.message}`)
  );

  let syncSchedules: ((segments: SegmentRow[]) => void) | null = null;
  /** Re-reads the schedules after a segment was created, changed or removed. */
  const resync = async () => syncSchedules?.(await loadSegments());
  let interval: NodeJS.Timeout | null = null;
  let unsubscribe: Array<() => void> = [];

  return {
    executor,
    resync,
    /** Re-evaluates dynamic segments for these customers now (the event listener debounces into this). */
    reevaluate,
    /** Waits until pending customer changes and re-runs after a value refresh have been applied. */
    async idle() {
      await changes.idle();
      await scoreReruns.idle();
    },
    /** Applies pending customer changes now. */
    applyPendingChanges: () => changes.flush(),
    recover: () => executor().recover(),

    /**
     * Subscribes to the events seam; called from bootstrap before any writer starts (the metrics
     * drain at startup already refreshes facts). Pending re-evaluations are recorded by a hook, in
     * the transaction that refreshes the facts; the after-commit notices only start the work early.
     * The re-runs after a value refresh are best effort: a crash between the publish and the re-runs
     * leaves those segments to their schedule or the next refresh.
     */
    subscribe() {
      if (unsubscribe.length) return;
      const bus = events();
      unsubscribe = [
        bus.hook('customers.changed', (trx, { customerIds }) => recordPendingChanges(trx, customerIds)),
        bus.on('customers.changed', () => changes.notify()),
        bus.on('values.refreshed', ({ fields }) => {
          fields.forEach((field) => refreshedFields.add(field));
          void scoreReruns.request();
        }),
      ];
    },

    async start() {
      const scheduler = getService(strapi, 'scheduler');
      syncSchedules = createScheduleSync(
        scheduler,
        async (segmentId, tick) => {
          // Only records and starts the run: the job lock is released at once, the run holds its own.
          await executor().execute(segmentId, { trigger: 'schedule', wait: false, scheduleSlot: scheduleSlot(tick) });
        },
        () => securityConfig(strapi).minScheduleMinutes
      );
      await resync();
      scheduler.schedule({ name: 'segments:recover', cron: '* * * * *', run: async () => void (await executor().recover()) });
      scheduler.schedule({ name: 'segments:pending-changes', cron: '* * * * *', run: () => changes.flush() });
      interval = setInterval(() => void resync().catch((e) => log.warn(`[client-insights] schedule sync failed: ${e.message}`)), config().syncIntervalMs);
      interval.unref();
      // Changes a previous process recorded but did not apply.
      void changes.flush();
      // Runs a previous process left unfinished are redone in the background.
      void executor()
        .recover()
        .catch((e) => log.error(`[client-insights] recovering segment runs failed: ${e.message}`));
    },

    /** Stops the timers and listeners, then lets runs in progress finish (bounded by `shutdownGraceMs`). */
    async stop() {
      if (interval) clearInterval(interval);
      interval = null;
      changes.stop();
      unsubscribe.forEach((off) => off());
      unsubscribe = [];
      const graceMs = config().shutdownGraceMs;
      if (executorCache && !(await executorCache.drain(graceMs))) {
        log.warn(`[client-insights] segment runs still in progress after ${graceMs} ms at shutdown; recovery redoes them on the next start`);
      }
    },
  };
};
