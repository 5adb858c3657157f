/** At most `limit()` tasks at once; the rest wait in order. */
export const createSemaphore = (limit: () => number) => {
  let active = 0;
  const waiting: Array<() => void> = [];
  const next = () => {
    if (active < Math.max(1, limit()) && waiting.length) {
      active += 1;
      waiting.shift()!();
    }
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      next();
    });
    try {
      return await task();
    } finally {
      active -= 1;
      next();
    }
  };
};
