import { createSemaphore } from './semaphore';

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
