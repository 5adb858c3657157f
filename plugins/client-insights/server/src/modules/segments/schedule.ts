import type { JobSpec } from '../../core/jobs/scheduler';
import { tooFrequent } from '../../core/jobs/cron-interval';
import { validateCron } from '../../core/jobs/scheduler';
import type { SegmentRow } from './repository';

/** Schedule presets (in the segment's time zone); anything else must be a cron expression. */
export const PRESETS = {
  daily: '0 3 * * *',
  weekly: '0 3 * * 1',
  monthly: '0 3 1 * *',
} as const;

/**
 * The cron expression for a preset name or expression, or the reason it is refused: not cron, an
 * unknown time zone, or runs more often than every `minMinutes` (a six-field `* * * * * *` ran
 * every second).
 */
export const resolveSchedule = (schedule: string, timezone = 'UTC', minMinutes = 15): { cron: string } | { error: string } => {
  const cron = (PRESETS as Record<string, string>)[schedule.trim()] ?? schedule.trim();
  const problem = validateCron(cron, timezone) ?? tooFrequent(cron, minMinutes);
  return problem ? { error: problem } : { cron };
};

/** Identifies a cron tick the same way on every node (node-cron passes the matched second). */
export const scheduleSlot = (tick: Date) => new Date(Math.floor(tick.getTime() / 1000) * 1000).toISOString();

export const jobName = (segmentId: number) => `segment:${segmentId}`;

type Scheduler = { schedule(spec: JobSpec): void; unschedule(name: string): void; names(): string[] };

/**
 * Makes this node's cron jobs match the segments: one job per active dynamic segment with a
 * schedule (static segments never re-run on a schedule). Unchanged jobs are left running.
 */
export const createScheduleSync = (
  scheduler: Scheduler,
  runScheduled: (segmentId: number, tick: Date) => Promise<void>,
  minMinutes: () => number = () => 15
) => {
  const signatures = new Map<string, string>();
  return (segments: SegmentRow[]) => {
    const wanted = new Map<string, SegmentRow>();
    for (const s of segments) {
      if (s.type === 'dynamic' && s.status === 'active' && s.scheduleCron) wanted.set(jobName(s.id), s);
    }
    for (const name of scheduler.names()) {
      if (name.startsWith('segment:') && !wanted.has(name)) {
        scheduler.unschedule(name);
        signatures.delete(name);
      }
    }
    for (const [name, s] of wanted) {
      const signature = `${s.scheduleCron}|${s.scheduleTimezone ?? 'UTC'}`;
      if (signatures.get(name) === signature && scheduler.names().includes(name)) continue;
      try {
        // A stored schedule more frequent than allowed (written before the check) is not run either.
        if (!validateCron(s.scheduleCron!, s.scheduleTimezone ?? 'UTC') && tooFrequent(s.scheduleCron!, minMinutes())) throw new Error('too frequent');
        scheduler.schedule({ name, cron: s.scheduleCron!, timezone: s.scheduleTimezone ?? 'UTC', run: (tick) => runScheduled(s.id, tick) });
        signatures.set(name, signature);
      } catch {
        // An invalid or too frequent stored schedule is skipped; every write path refuses them now.
      }
    }
  };
};
