import { DateTime } from 'luxon';
import type { Duration, Step } from '../../../../../shared/contracts/automation-definition';

/**
 * The step walker. A step's place is its path: "0", "2", "2.then.1", "2.else.0.then.3" … (an
 * index into the top list, then branch and index into an if's lists). Walk order: a step, then
 * its next sibling, and after the last step of a branch the step after the branch's if.
 */

type Segment = { index: number; branch?: 'then' | 'else' };

const parse = (path: string): Segment[] | null => {
  const parts = path.split('.');
  if (parts.length % 2 !== 1) return null;
  const segments: Segment[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const index = Number(parts[i]);
    if (!/^\d+$/.test(parts[i]) || index > 10_000) return null;
    const branch = i === 0 ? undefined : (parts[i - 1] as Segment['branch']);
    if (i > 0 && branch !== 'then' && branch !== 'else') return null;
    segments.push({ index, branch });
  }
  return segments;
};

const format = (segments: Segment[]): string => segments.map((s) => (s.branch ? `${s.branch}.${s.index}` : String(s.index))).join('.');

/** The list a path's last index points into, and that index. */
const locate = (steps: Step[], path: string): { list: Step[]; segments: Segment[] } | null => {
  const segments = parse(path);
  if (!segments) return null;
  let list = steps;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const step = list[segments[i].index];
    if (!step || step.kind !== 'if') return null;
    list = step[segments[i + 1].branch!];
  }
  return { list, segments };
};

export const stepAt = (steps: Step[], path: string): Step | null => {
  const found = locate(steps, path);
  return found ? (found.list[found.segments[found.segments.length - 1].index] ?? null) : null;
};

/** The step after the one at `path` in walk order (not entering its branches), or null at the end. */
export const nextPath = (steps: Step[], path: string): string | null => {
  const found = locate(steps, path);
  if (!found) return null;
  const { list, segments } = found;
  const last = segments[segments.length - 1];
  if (last.index + 1 < list.length) return format([...segments.slice(0, -1), { ...last, index: last.index + 1 }]);
  if (segments.length === 1) return null;
  // After a branch's last step: the step after its if.
  return nextPath(steps, format(segments.slice(0, -1)));
};

/** The first step of an if's branch, or the step after the if when the branch is empty. */
export const branchPath = (steps: Step[], ifPath: string, branch: 'then' | 'else'): string | null => {
  const step = stepAt(steps, ifPath);
  if (step?.kind === 'if' && step[branch].length > 0) return `${ifPath}.${branch}.0`;
  return nextPath(steps, ifPath);
};

/** `from` plus a duration; days are calendar days in `zone` (the wall time stays across a DST change). */
export const afterDuration = (from: Date, duration: Duration, zone: string): Date =>
  DateTime.fromJSDate(from, { zone })
    .plus({ [duration.unit]: duration.amount })
    .toJSDate();

/** The next `HH:mm` in `zone` at or after `from` (a time skipped by a DST change runs at the shifted time). */
export const nextClockTime = (from: Date, time: string, zone: string): Date => {
  const [hour, minute] = time.split(':').map(Number);
  const local = DateTime.fromJSDate(from, { zone });
  let at = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (at < local) at = at.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return at.toJSDate();
};

/**
 * From the step at `path` (reached at `from`), passes over waits: answers the first step that is
 * not a wait (null: the sequence ends), when it is due, and whether a wait came before it (the
 * conditions are checked again before such a step).
 */
export const advance = (steps: Step[], path: string | null, from: Date, zone: string): { path: string | null; dueAt: Date; waited: boolean } => {
  let at = from;
  let waited = false;
  let current = path;
  while (current !== null) {
    const step = stepAt(steps, current);
    if (!step) return { path: null, dueAt: at, waited };
    if (step.kind === 'wait') at = afterDuration(at, step.duration, zone);
    else if (step.kind === 'wait_until') at = nextClockTime(at, step.time, zone);
    else return { path: current, dueAt: at, waited };
    waited = true;
    current = nextPath(steps, current);
  }
  return { path: null, dueAt: at, waited };
};

/**
 * When `at` falls in the quiet hours [start, end) of `zone` (a period that may wrap midnight),
 * the instant they end; otherwise null.
 */
export const quietHoursEnd = (at: Date, zone: string, quiet: { start: string; end: string }): Date | null => {
  const local = DateTime.fromJSDate(at, { zone });
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return null;
  const now = local.hour * 60 + local.minute;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return (endToday > local ? endToday : endToday.plus({ days: 1 }).set({ hour: Math.floor(end / 60), minute: end % 60 })).toJSDate();
};

/** The last days asked for, by instant and zone: a tick asks the same few for every send (time zone arithmetic is slow). */
const days = new Map<string, { start: Date; end: Date }>();

/** The customer's calendar day around `at`, as instants [start, end). */
export const localDay = (at: Date, zone: string): { start: Date; end: Date } => {
  const key = `${at.getTime()} ${zone}`;
  const known = days.get(key);
  if (known) return known;
  const start = DateTime.fromJSDate(at, { zone }).startOf('day');
  const day = { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
  if (days.size >= 64) days.clear();
  days.set(key, day);
  return day;
};
