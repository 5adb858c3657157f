/**
 * Group commit: the calls made in one turn of the event loop are run together by `run`, at most
 * `max` per group (one transaction of a few set-based statements instead of one per call); each
 * call resolves with its own answer, or rejects with the group's error. A call made while a group
 * is being written waits for the next group.
 */
export const groupCommit = <T, R>(run: (items: T[]) => Promise<R[]>, max: number) => {
  const queue: Array<{ item: T; resolve(answer: R): void; reject(error: unknown): void }> = [];
  let flushing = false;
  const flush = async () => {
    while (queue.length) {
      const group = queue.splice(0, max);
      try {
        const answers = await run(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(answers[i]));
      } catch (error) {
        for (const g of group) g.reject(error);
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
