import { createSemaphore, withRetry } from './retry';

const transient = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('withRetry', () => {
  it('retries transient failures with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw transient;
        return 'ok';
      },
      { attempts: 3, baseMs: 5, isTransient: (e: any) => e.code === '40P01', onRetry: (_e, _a, d) => delays.push(d) }
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([5, 10]);
  });

  it('gives up after the last attempt and on permanent errors at once', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw transient;
        },
        { attempts: 2, baseMs: 1, isTransient: () => true }
      )
    ).rejects.toBe(transient);
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new Error('syntax');
        },
        { attempts: 5, baseMs: 1, isTransient: () => false }
      )
    ).rejects.toThrow('syntax');
    expect(calls).toBe(1);
  });

  it('does not wait past the deadline', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw transient;
        },
        { attempts: 5, baseMs: 1000, isTransient: () => true, canWait: () => false }
      )
    ).rejects.toBe(transient);
    expect(calls).toBe(1);
  });
});

describe('createSemaphore', () => {
  it('runs at most `limit` tasks at once and all of them eventually', async () => {
    const limit = createSemaphore(() => 3);
    let active = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active -= 1;
          return i;
        })
      )
    );
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });
});
