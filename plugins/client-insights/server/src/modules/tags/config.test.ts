import type { Core } from '@strapi/strapi';
import { ruleScheduleOf } from './config';

/** A Strapi whose plugin config holds `tags` and `security` as given. */
const strapiWith = (config: Record<string, unknown>) => ({ config: { get: (key: string) => config[key.split('.').pop()!] ?? {} } }) as unknown as Core.Strapi;

describe('auto-tag rule schedule setting', () => {
  it('is daily at 03:00 UTC unless configured, takes presets and cron, and can be turned off', () => {
    expect(ruleScheduleOf(strapiWith({}))).toEqual({ cron: '0 3 * * *', timezone: 'UTC' });
    expect(ruleScheduleOf(strapiWith({ tags: { ruleSchedule: 'weekly', ruleTimezone: 'Asia/Shanghai' } }))).toEqual({
      cron: '0 3 * * 1',
      timezone: 'Asia/Shanghai',
    });
    expect(ruleScheduleOf(strapiWith({ tags: { ruleSchedule: '30 */6 * * *' } }))).toEqual({ cron: '30 */6 * * *', timezone: 'UTC' });
    expect(ruleScheduleOf(strapiWith({ tags: { ruleSchedule: false } }))).toBeNull();
  });

  it('refuses what a segment schedule may not be: not cron, an unknown zone, more often than the minimum interval', () => {
    expect(() => ruleScheduleOf(strapiWith({ tags: { ruleSchedule: 'every day' } }))).toThrow(/tags\.ruleSchedule: .*not a valid cron/);
    expect(() => ruleScheduleOf(strapiWith({ tags: { ruleTimezone: 'Nowhere/City' } }))).toThrow(/time zone/);
    expect(() => ruleScheduleOf(strapiWith({ tags: { ruleSchedule: '*/5 * * * *' } }))).toThrow(/tags\.ruleSchedule/);
    // The minimum is the security setting segments use.
    expect(ruleScheduleOf(strapiWith({ tags: { ruleSchedule: '*/5 * * * *' }, security: { minScheduleMinutes: 5 } }))).toEqual({
      cron: '*/5 * * * *',
      timezone: 'UTC',
    });
  });
});
