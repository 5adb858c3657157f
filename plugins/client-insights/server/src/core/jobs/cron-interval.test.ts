import { shortestIntervalSeconds, tooFrequent } from './cron-interval';

describe('shortestIntervalSeconds', () => {
  it('measures the shortest gap between runs', () => {
    expect(shortestIntervalSeconds('* * * * * *')).toBe(1);
    expect(shortestIntervalSeconds('* * * * *')).toBe(60);
    expect(shortestIntervalSeconds('*/15 * * * *')).toBe(900);
    expect(shortestIntervalSeconds('0,50 * * * *')).toBe(600);
    expect(shortestIntervalSeconds('0 3 * * *')).toBe(86_400);
    expect(shortestIntervalSeconds('0 0,23 * * *')).toBe(3600);
    expect(shortestIntervalSeconds('*/20 9-17 * * 1-5')).toBe(1200);
  });
  it('names the minimum when a schedule is too frequent', () => {
    expect(tooFrequent('* * * * * *', 15)).toMatch(/every 1 s; schedules may run at most every 15 minutes/);
    expect(tooFrequent('*/5 * * * *', 15)).toMatch(/every 5 min/);
    expect(tooFrequent('*/15 * * * *', 15)).toBeNull();
    expect(tooFrequent('*/5 * * * *', 5)).toBeNull();
  });
});
