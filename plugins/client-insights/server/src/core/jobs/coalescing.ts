/**
 * One background task at a time: a request while it runs makes it run once more afterwards (the
 * requests in between coalesce). Errors go to `onError`; `idle()` waits for the task to settle.
 */
export const createCoalescingTask = (task: () => Promise<void>, onError: (error: Error) => void) => {
  let running: Promise<void> | null = null;
  let again = false;
  const request = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task().catch(onError);
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  return {
    request,
    /** Whether a run is under way (or about to run again). */
    busy: () => running !== null,
    async idle() {
      while (running) await running;
    },
  };
};
