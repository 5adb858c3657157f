import { groupCommit } from './group-commit';

describe('groupCommit', () => {
  it('runs the calls of one turn together, at most `max` per group, each answered with its own result', async () => {
    const groups: number[][] = [];
    const double = groupCommit(async (items: number[]) => {
      groups.push(items);
      return items.map((n) => n * 2);
    }, 2);
    const answers = await Promise.all([1, 2, 3].map((n) => double(n)));
    expect(answers).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2], [3]]);
    // A later turn starts a new group.
    await expect(double(5)).resolves.toBe(10);
    expect(groups).toEqual([[1, 2], [3], [5]]);
  });

  it('rejects every call of a failed group, and the next group still runs', async () => {
    let calls = 0;
    const run = groupCommit(async (items: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('the transaction failed');
      return items.map((s) => s.toUpperCase());
    }, 10);
    const failed = await Promise.allSettled([run('a'), run('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(run('c')).resolves.toBe('C');
  });
});
