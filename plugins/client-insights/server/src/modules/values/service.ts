import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';
import type { JobKind } from '../../../../shared/enums';
import { withLock } from '../../core/db/dialect';
import { hostTables } from '../../core/db/tables';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { getService } from '../../get-service';
import { defaultValueConfig, mergeValueConfig, valueConfigSchema, type ValueConfig } from './config';
import { refreshValues, type RefreshInput } from './refresh';
import { createCardTasks, type CardTasksInput } from './card-tasks';
import { valueCards, valueGroup } from './cards';
import { customerValueScore, fittedModels, latestRunId, quadrantMigration, rfmMatrix } from './reports';
import type { ValueGroupQuery } from '../../../../shared/contracts/values';

export const VALUES_JOB: JobKind = 'values.refresh';
const SCHEDULE_NAME = 'values.refresh';
const STORE_KEY = 'value-models';

/** Value models: configuration, tracked recalculation (API, admin, schedule) and the read endpoints' data. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const tracker = () => createJobTracker(knex(), strapi.log);

  const getConfig = async (): Promise<ValueConfig> => {
    const saved = await store().get({ key: STORE_KEY });
    const parsed = valueConfigSchema.safeParse(saved ?? {});
    if (parsed.success) return parsed.data;
    strapi.log.warn(`[client-insights] stored value-model settings are invalid, using defaults: ${parsed.error.message}`);
    return defaultValueConfig();
  };

  /** Runs a full recalculation now under the cross-node lock; null when another node is running one. */
  const runExclusive = async (trigger: RefreshInput['trigger'], ctx?: JobContext) => {
    const config = await getConfig();
    const outcome = await withLock(
      knex(),
      'values:refresh',
      async () => {
        // The models read the customers' activity copies, which the metrics drain keeps current:
        // drain what is pending first, so the run sees every committed write.
        await getService(strapi, 'metrics').drain();
        await ctx?.checkCancelled();
        return refreshValues({
          knex: knex(),
          tables: hostTables(strapi),
          config,
          trigger,
          jobId: ctx?.jobId ?? null,
          progress: ctx?.progress,
          events: getService(strapi, 'events'),
        });
      },
      { wait: false }
    );
    if (!outcome.acquired) throw new Error('another value-model calculation is running');
    return outcome.result;
  };

  const applySchedule = (config: ValueConfig) => {
    const scheduler = getService(strapi, 'scheduler');
    scheduler.unschedule(SCHEDULE_NAME);
    if (!config.schedule.enabled) return;
    scheduler.schedule({
      name: SCHEDULE_NAME,
      cron: config.schedule.cron,
      timezone: config.schedule.timezone,
      run: async () => {
        if (await tracker().active(VALUES_JOB)) return;
        const id = await tracker().create(VALUES_JOB, { trigger: 'schedule' });
        await tracker().run(id, (ctx) => runExclusive('schedule', ctx));
      },
    });
  };

  return {
    getConfig,

    /** Validates a partial update; on success stores the merged settings and reschedules. */
    async updateConfig(update: unknown) {
      const result = mergeValueConfig(await getConfig(), update);
      if (!result.success) return result;
      await store().set({ key: STORE_KEY, value: result.config });
      applySchedule(result.config);
      return result;
    },

    /** Starts a tracked recalculation, or returns the one already running (never two at once). */
    async calculate(trigger: 'api' | 'admin') {
      const running = await tracker().active(VALUES_JOB);
      if (running) return { job: running, started: false };
      const id = await tracker().start(VALUES_JOB, { trigger }, (ctx) => runExclusive(trigger, ctx));
      return { job: await tracker().get(id), started: true };
    },

    async job(id: number) {
      const job = await tracker().get(id);
      return job && job.kind === VALUES_JOB ? job : null;
    },

    /** Cancels a queued or running recalculation (null when unknown); the published scores stay as they were. */
    async cancel(id: number) {
      const job = await tracker().get(id);
      return job && job.kind === VALUES_JOB ? tracker().cancel(id) : null;
    },

    /** Synchronous full run (scripts, tests). */
    runNow: (trigger: RefreshInput['trigger'] = 'script') => runExclusive(trigger),

    matrix: () => rfmMatrix(knex()),
    migration: (from?: number, to?: number) => quadrantMigration(knex(), from, to),
    models: (runId?: number) => fittedModels(knex(), runId),
    /** The value page's strategy cards (cards.ts). */
    cards: () => valueCards(knex(), hostTables(strapi)),
    /** A chart cell's or bubble's size, averages and representatives; `sensitive`: the viewer sees contact data. */
    group: async (filter: ValueGroupQuery, sensitive: boolean) => valueGroup(knex(), hostTables(strapi), await latestRunId(knex()), filter, sensitive),
    /** One follow-up task per customer of a card, once per card and day (card-tasks.ts). */
    createCardTasks: (input: CardTasksInput, userId: number | null) => createCardTasks(strapi, input, userId),

    /** Accepts a numeric id or a Strapi documentId. */
    async customerScore(idOrDocumentId: string) {
      const customers = hostTables(strapi).customers;
      const row = /^\d+$/.test(idOrDocumentId)
        ? await knex()(customers)
            .where({ id: Number(idOrDocumentId) })
            .first('id')
        : await knex()(customers).where({ document_id: idOrDocumentId }).first('id');
      if (!row) return { found: false as const };
      return { found: true as const, score: await customerValueScore(knex(), Number(row.id)) };
    },

    /** Bootstrap: schedule the recalculation if configured. */
    async start() {
      applySchedule(await getConfig());
    },
  };
};
