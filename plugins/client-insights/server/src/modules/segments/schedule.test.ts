import { resolveSchedule, scheduleSlot } from './schedule';

describe('schedule', () => {
  it('resolves presets and validates cron expressions and time zones', () => {
    expect(resolveSchedule('daily')).toEqual({ cron: '0 3 * * *' });
    expect(resolveSchedule('weekly', 'Asia/Shanghai')).toEqual({ cron: '0 3 * * 1' });
    expect(resolveSchedule('monthly')).toEqual({ cron: '0 3 1 * *' });
    expect(resolveSchedule('*/15 * * * *')).toEqual({ cron: '*/15 * * * *' });
    expect(resolveSchedule('every day')).toEqual({ error: expect.stringMatching(/not a valid cron/) });
    expect(resolveSchedule('daily', 'Nowhere/City')).toEqual({ error: expect.stringMatching(/time zone/) });
  });

  it('names a tick by its second, whatever the millisecond it fired at', () => {
    expect(scheduleSlot(new Date('2026-01-01T03:00:00.000Z'))).toBe('2026-01-01T03:00:00.000Z');
    expect(scheduleSlot(new Date('2026-01-01T03:00:00.987Z'))).toBe('2026-01-01T03:00:00.000Z');
  });
});
