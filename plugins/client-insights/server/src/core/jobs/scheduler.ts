import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import { withLock } from '../db/dialect';

/**
 * Cron jobs that run once across all app nodes: every node schedules the job, and at each tick
 * the node that takes the database lock first runs it; the others skip that tick. A node whose
 * timer fires after the first one finished would take the lock again, so a job that must run
 * exactly once per tick also records the tick it handled (e.g. segments' unique schedule_slot).
 */
export type JobSpec = {
  name: string;
  cron: string;
  timezone?: string;
  /** `tick` is the cron time matched (the same on every node), for de-duplicating a tick across nodes. */
  run: (tick: Date) => Promise<void>;
};

export type Scheduler = {
  schedule(spec: JobSpec): void;
  unschedule(name: string): void;
  names(): string[];
  stop(): void;
};

/** Null when valid, else a message naming what is wrong. */
export const validateCron = (expression: string, timezone = 'UTC'): string | null => {
  if (!cron.validate(expression)) return `"${expression}" is not a valid cron expression`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return `"${timezone}" is not a known time zone`;
  }
  return null;
};

/**
 * Command-line scripts (seed, rollup rebuild, re-encryption, benchmarks) boot the app with
 * CI_BACKGROUND_JOBS=off: no cron job, inbox loop or outbox worker of theirs may run beside the
 * script's own work (a seed holding the connections made every minute job time out, and a bench's
 * node must not deliver the outbox of the database it reads).
 */
export const backgroundJobsOff = () => process.env.CI_BACKGROUND_JOBS === 'off';

export const createScheduler = (knex: Knex, log: { warn(msg: string): void; error(msg: string): void }): Scheduler => {
  const tasks = new Map<string, ScheduledTask>();
  const runOnce = async (spec: JobSpec, tick: Date) => {
    try {
      const outcome = await withLock(knex, `job:${spec.name}`, () => spec.run(tick), { wait: false });
      if (!outcome.acquired) log.warn(`[client-insights] job ${spec.name}: another node runs this tick`);
    } catch (error) {
      log.error(`[client-insights] job ${spec.name} failed: ${(error as Error).message}`);
    }
  };
  return {
    schedule(spec) {
      const problem = validateCron(spec.cron, spec.timezone);
      if (problem) throw new Error(problem);
      if (backgroundJobsOff()) return;
      tasks.get(spec.name)?.stop();
      tasks.set(
        spec.name,
        cron.schedule(spec.cron, (now) => void runOnce(spec, now instanceof Date ? now : new Date()), { timezone: spec.timezone ?? 'UTC' })
      );
    },
    unschedule(name) {
      tasks.get(name)?.stop();
      tasks.delete(name);
    },
    names: () => [...tasks.keys()],
    stop() {
      for (const task of tasks.values()) task.stop();
      tasks.clear();
    },
  };
};
