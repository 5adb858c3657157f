import { DateTime } from 'luxon';
import type { Granularity } from '../../../../shared/contracts/reports';

/** A stretch of time [start, end) as instants, with the local days it was asked as. */
export type Period = { from: string; to: string; timeZone: string; start: Date; end: Date };

/** Local days `from`..`to` (both included) in `timeZone`: from the first day's midnight to the midnight after the last. */
export const periodOf = (from: string, to: string, timeZone: string): Period => {
  const start = DateTime.fromISO(from, { zone: timeZone }).startOf('day');
  const end = DateTime.fromISO(to, { zone: timeZone }).startOf('day').plus({ days: 1 });
  return { from, to, timeZone, start: start.toJSDate(), end: end.toJSDate() };
};

/** The local day (`YYYY-MM-DD`) of an instant in `timeZone`. */
export const localDay = (at: Date, timeZone: string): string => DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM-dd');

/**
 * A question about days relative to the day it was asked ("the last 90 days", or the 90 days
 * before those) moved on to today: its days shifted by the days since it was asked. Such a
 * question ends on its day or within its own length before it; one that ends earlier (a past
 * quarter asked in December) is about fixed days, and one already ahead of its day (moved on
 * before) is not moved again. Null when it does not move.
 */
export const movedToToday = (from: string, to: string, timeZone: string, askedAt: Date, now: Date): { from: string; to: string } | null => {
  const day = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
  const [first, last, asked] = [day(from), day(to), day(localDay(askedAt, timeZone))];
  const shift = Math.round(day(localDay(now, timeZone)).diff(asked, 'days').days);
  const length = Math.round(last.diff(first, 'days').days) + 1;
  if (shift <= 0 || last > asked || last < asked.minus({ days: length })) return null;
  return { from: first.plus({ days: shift }).toISODate()!, to: last.plus({ days: shift }).toISODate()! };
};

/**
 * A stored question's key moved on to today (movedToToday), or null. Both kinds' keys begin
 * `from|to|timeZone` (analytics.ts periodKey, trends.ts bucketsKey); what follows is kept.
 */
export const movedKey = (key: string, askedAt: Date, now: Date): string | null => {
  const [from, to, timeZone, ...rest] = key.split('|');
  const moved = movedToToday(from, to, timeZone, askedAt, now);
  return moved && [moved.from, moved.to, timeZone, ...rest].join('|');
};

/** The window of the same length just before a period (retention's "previous period"). */
export const windowBefore = (p: Period) => ({ start: new Date(2 * p.start.getTime() - p.end.getTime()), end: p.start });

export const periodJson = (p: Period) => ({ from: p.from, to: p.to, timeZone: p.timeZone, start: p.start.toISOString(), end: p.end.toISOString() });

/** One bucket of a trend: its label (local), and [start, end) as instants. */
export type Bucket = { label: string; start: Date; end: Date };

const UNIT = { day: 'day', week: 'week', month: 'month' } as const;
const LABEL = { day: 'yyyy-MM-dd', week: "kkkk-'W'WW", month: 'yyyy-MM' } as const;

/**
 * The days, ISO weeks (Monday first) or months of `timeZone` that cover `from`..`to`: the first
 * bucket starts at the start of the one holding `from` (so it may begin before `from`), the last
 * is the one holding `to`. Local midnights are found by the zone's rules (luxon), so a day around a
 * daylight-saving change lasts 23 or 25 hours, and the database only compares instants.
 */
export const bucketsOf = (from: string, to: string, timeZone: string, granularity: Granularity): Bucket[] => {
  const unit = UNIT[granularity];
  const last = DateTime.fromISO(to, { zone: timeZone }).startOf(unit);
  const buckets: Bucket[] = [];
  for (let at = DateTime.fromISO(from, { zone: timeZone }).startOf(unit); at <= last;) {
    const next = at.plus({ [`${unit}s`]: 1 }).startOf(unit);
    buckets.push({ label: at.toFormat(LABEL[granularity]), start: at.toJSDate(), end: next.toJSDate() });
    at = next;
  }
  return buckets;
};

/** The labels of the `k` buckets after the last (the forecast's periods). */
export const nextLabels = (lastStart: Date, timeZone: string, granularity: Granularity, k: number): string[] => {
  const unit = UNIT[granularity];
  const base = DateTime.fromJSDate(lastStart, { zone: timeZone });
  return Array.from({ length: k }, (_, i) => base.plus({ [`${unit}s`]: i + 1 }).toFormat(LABEL[granularity]));
};
