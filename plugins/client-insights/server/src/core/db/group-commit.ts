import { withRetry } from './retry';

/** How a group that fails transiently (a deadlock victim, a serialization failure) is tried again. */
export type GroupRetry = { attempts: number; baseMs: number; isTransient(error: unknown): boolean };

/**
 * Group commit: the calls made in one turn of the event loop are run together by `run`, at most
 * `max` per group (one transaction of a few set-based statements instead of one per call); each
 * call resolves with its own answer. A group that fails transiently is first run again whole after
 * a short pause (`retry`): split, its calls would meet the same locks one by one. When it still
 * fails, each of its calls is run again alone (with the same retry), so one bad call costs only
 * what cannot be written: a lost finish would leave a sent message to be sent again, a lost record
 * a send without trace. A call made while a group is being written waits for the next group.
 */
export const groupCommit = <T, R>(runOnce: (items: T[]) => Promise<R[]>, max: number, retry?: GroupRetry) => {
  const run = (items: T[]) => (retry ? withRetry(() => runOnce(items), retry) : runOnce(items));
  const queue: Array<{ item: T; resolve(answer: R): void; reject(error: unknown): void }> = [];
  let flushing = false;
  const flush = async () => {
    while (queue.length) {
      const group = queue.splice(0, max);
      try {
        const answers = await run(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(answers[i]));
      } catch (error) {
        if (group.length === 1) group[0].reject(error);
        else for (const g of group) await run([g.item]).then(([answer]) => g.resolve(answer), g.reject);
      }
    }
    flushing = false;
  };
  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (flushing) return;
      flushing = true;
      // After the current turn: the calls of steps that answered together go in one group.
      setImmediate(() => void flush());
    });
};
