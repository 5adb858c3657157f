import { isTransientStatus, retryAfterMs } from './http-delivery';

describe('HTTP delivery classification', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  it('reads Retry-After as seconds or an HTTP date, null when absent or unreadable', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 503, 599].every(isTransientStatus)).toBe(true);
    expect([301, 400, 401, 404, 410, 422].some(isTransientStatus)).toBe(false);
  });
});
