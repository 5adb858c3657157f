import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { tooFrequent } from '../../../core/jobs/cron-interval';
import { validateCron } from '../../../core/jobs/scheduler';
import { getService } from '../../../get-service';
import { registerInboxWriters } from './inbox';
import { automationSettings } from './settings';
import { fireManual, type ManualTarget } from './triggers-manual';
import { drainInbox, versionsOfType } from './triggers';
import { runScheduleTick, runTimeTriggers } from './time-triggers';
import { activeVersions, type ActiveVersion } from './versions';
import { nudgeWorker } from './worker';

const SCHEDULE_PREFIX = 'automation:schedule:';

/** The trigger side of the automation engine as a service: inbox writers, the inbox loop, time triggers. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection as unknown as Knex;
  const settings = () => automationSettings(strapi);
  const scheduler = () => getService(strapi, 'scheduler');
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const signatures = new Map<string, string>();

  /** A pass of the inbox; sequences it started are due now, so this node's worker looks at once. */
  const drain = async (options: { wait?: boolean } = {}) => {
    const counts = await drainInbox(knex(), options);
    if (counts.fired) nudgeWorker(strapi);
    return counts;
  };

  /** One pass of the inbox, never two at once in this process (the lock keeps other nodes out). */
  const tick = () => {
    if (running) return;
    running = drain()
      .catch((error) => strapi.log.error(`[client-insights] automation inbox: ${(error as Error).message}`))
      .finally(() => (running = null));
  };

  /** Per-rule cron jobs for the active schedule triggers (same validation and minimum interval as segment schedules). */
  const syncSchedules = (versions: ActiveVersion[]) => {
    const wanted = new Map(versions.filter((v) => v.definition.trigger.type === 'schedule').map((v) => [`${SCHEDULE_PREFIX}${v.ruleDoc}`, v]));
    for (const name of scheduler().names())
      if (name.startsWith(SCHEDULE_PREFIX) && !wanted.has(name)) {
        scheduler().unschedule(name);
        signatures.delete(name);
      }
    for (const [name, version] of wanted) {
      const trigger = version.definition.trigger as { cron: string; timezone: string };
      const signature = `${version.version}|${trigger.cron}|${trigger.timezone}`;
      if (signatures.get(name) === signature) continue;
      if (validateCron(trigger.cron, trigger.timezone) || tooFrequent(trigger.cron, settings().minScheduleMinutes)) {
        strapi.log.warn(`[client-insights] automation ${version.ruleDoc}: schedule "${trigger.cron}" refused, not run`);
        continue;
      }
      scheduler().schedule({
        name,
        cron: trigger.cron,
        timezone: trigger.timezone,
        run: async (at) => {
          const current = (await versionsOfType(knex(), 'schedule')).find((v) => v.ruleDoc === version.ruleDoc);
          if (current) await runScheduleTick(knex(), current, at);
        },
      });
      signatures.set(name, signature);
    }
  };

  const timeTriggers = async (now = new Date()) => runTimeTriggers(knex(), await activeVersions(knex()), now, settings().defaultTimezone);

  return {
    /** From bootstrap, before any writer runs: the inbox writers (lifecycles and event hooks). */
    subscribe() {
      registerInboxWriters(strapi, getService(strapi, 'events'));
    },
    /** The inbox loop (every `triggerIntervalMs`, 1 s by default) and the minute job of the time triggers. */
    start() {
      timer = setInterval(tick, settings().triggerIntervalMs);
      timer.unref?.();
      scheduler().schedule({
        name: 'automation:time-triggers',
        cron: '* * * * *',
        run: async (at) => {
          syncSchedules(await activeVersions(knex()));
          await timeTriggers(at);
        },
      });
    },
    /** No more passes or ticks on this node; waits for a pass in progress. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      for (const name of scheduler().names()) if (name === 'automation:time-triggers' || name.startsWith(SCHEDULE_PREFIX)) scheduler().unschedule(name);
      signatures.clear();
      await running;
    },
    /** Processes the whole inbox now, waiting for a pass in progress elsewhere (tests, after a bulk import). */
    drainInbox: () => drain({ wait: true }),
    /** One pass of the absence, date and inactivity triggers at `now` (tests; the minute job calls it). */
    runTimeTriggers: timeTriggers,
    /** One tick of a rule's schedule trigger. */
    async runScheduleTick(ruleDoc: string, at: Date, now = new Date()) {
      const version = (await versionsOfType(knex(), 'schedule')).find((v) => v.ruleDoc === ruleDoc);
      return version ? runScheduleTick(knex(), version, at, now) : null;
    },
    fireManual: (ruleDoc: string, target: ManualTarget, requestKey: string, now?: Date) => fireManual(strapi, ruleDoc, target, requestKey, now),
  };
};
