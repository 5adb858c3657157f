/**
 * At most `max` at once per key (a caller): `enter` answers a release function, or null when the
 * key is at its limit. Per process: with several nodes a caller may hold `max` on each.
 */
export const createConcurrencyGate = () => {
  const running = new Map<string, number>();
  return {
    enter(key: string, max: number): (() => void) | null {
      const now = running.get(key) ?? 0;
      if (now >= max) return null;
      running.set(key, now + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (running.get(key) ?? 1) - 1;
        if (left <= 0) running.delete(key);
        else running.set(key, left);
      };
    },
  };
};
