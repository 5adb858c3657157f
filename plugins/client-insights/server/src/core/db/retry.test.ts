import { withRetry } from './retry';

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
