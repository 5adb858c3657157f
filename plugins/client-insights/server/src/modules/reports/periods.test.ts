import { bucketsOf, localDay, movedKey, movedToToday, nextLabels, periodOf, windowBefore } from './periods';

describe('report periods', () => {
  describe('a question asked relative to its day, moved on to today', () => {
    // Asked on 5 December 2026 in Shanghai (17:00 UTC on the 4th is 01:00 on the 5th there), moved on the 7th.
    const askedAt = new Date('2026-12-04T17:00:00Z');
    const now = new Date('2026-12-06T18:30:00Z');
    const zone = 'Asia/Shanghai';
    it('reads days in the question’s zone', () => {
      expect(localDay(askedAt, zone)).toBe('2026-12-05');
      expect(localDay(askedAt, 'UTC')).toBe('2026-12-04');
    });
    it('moves "the last 90 days" and the 90 days before them by the days since', () => {
      expect(movedToToday('2026-09-07', '2026-12-05', zone, askedAt, now)).toEqual({ from: '2026-09-09', to: '2026-12-07' });
      expect(movedToToday('2026-06-09', '2026-09-06', zone, askedAt, now)).toEqual({ from: '2026-06-11', to: '2026-09-08' });
    });
    it('leaves fixed days, a question asked today, and one already ahead of its day', () => {
      expect(movedToToday('2026-01-01', '2026-03-31', zone, askedAt, now)).toBeNull();
      expect(movedToToday('2026-09-07', '2026-12-05', zone, askedAt, new Date('2026-12-05T10:00:00Z'))).toBeNull();
      expect(movedToToday('2026-09-09', '2026-12-07', zone, askedAt, now)).toBeNull();
    });
    it('moves a stored key’s days and keeps what follows them (a trend’s granularity)', () => {
      expect(movedKey(`2026-09-07|2026-12-05|${zone}`, askedAt, now)).toBe(`2026-09-09|2026-12-07|${zone}`);
      expect(movedKey(`2026-01-01|2026-03-31|${zone}|month`, askedAt, now)).toBeNull();
      expect(movedKey(`2026-09-07|2026-12-05|${zone}|week`, askedAt, now)).toBe(`2026-09-09|2026-12-07|${zone}|week`);
    });
  });

  it('runs from the first local midnight to the midnight after the last day', () => {
    const p = periodOf('2026-01-01', '2026-01-31', 'Asia/Shanghai');
    expect(p.start.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(windowBefore(p)).toEqual({ start: new Date('2025-11-30T16:00:00.000Z'), end: p.start });
  });

  it('buckets local days across a daylight-saving change (23 hours in New York on 8 March 2026)', () => {
    const days = bucketsOf('2026-03-07', '2026-03-09', 'America/New_York', 'day');
    expect(days.map((d) => d.label)).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(days.map((d) => (d.end.getTime() - d.start.getTime()) / 3_600_000)).toEqual([24, 23, 24]);
    expect(days[1].start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });

  it('buckets ISO weeks from Monday and calendar months, the first holding `from`', () => {
    const weeks = bucketsOf('2026-01-01', '2026-01-12', 'UTC', 'week');
    expect(weeks.map((w) => [w.label, w.start.toISOString().slice(0, 10)])).toEqual([
      ['2026-W01', '2025-12-29'],
      ['2026-W02', '2026-01-05'],
      ['2026-W03', '2026-01-12'],
    ]);
    expect(bucketsOf('2025-11-15', '2026-02-01', 'UTC', 'month').map((m) => m.label)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(nextLabels(weeks[2].start, 'UTC', 'week', 2)).toEqual(['2026-W04', '2026-W05']);
  });
});
