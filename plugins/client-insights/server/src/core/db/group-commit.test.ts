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

  it('runs each call of a failed group alone: only the call that cannot be written is rejected, and the next group still runs', async () => {
    const groups: string[][] = [];
    const run = groupCommit(async (items: string[]) => {
      groups.push(items);
      if (items.includes('bad')) throw new Error('the transaction failed');
      return items.map((s) => s.toUpperCase());
    }, 10);
    const answers = await Promise.allSettled([run('a'), run('bad'), run('b')]);
    expect(answers.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['A', 'the transaction failed', 'B']);
    expect(groups).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
    await expect(run('c')).resolves.toBe('C');
  });

  it('rejects a lone call with its error, without running it twice', async () => {
    let calls = 0;
    const run = groupCommit(async () => {
      calls += 1;
      throw new Error('refused');
    }, 10);
    await expect(run('x')).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });

  it('runs a group that failed transiently again whole before splitting it', async () => {
    const groups: string[][] = [];
    let failures = 1;
    const run = groupCommit(
      async (items: string[]) => {
        groups.push(items);
        if (failures-- > 0) throw Object.assign(new Error('deadlock'), { transient: true });
        return items.map((s) => s.toUpperCase());
      },
      10,
      { attempts: 3, baseMs: 1, isTransient: (e) => Boolean((e as { transient?: boolean }).transient) }
    );
    await expect(Promise.all([run('a'), run('b')])).resolves.toEqual(['A', 'B']);
    expect(groups).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('splits a group whose failure is not transient without retrying it', async () => {
    const groups: string[][] = [];
    const run = groupCommit(
      async (items: string[]) => {
        groups.push(items);
        if (items.length > 1) throw new Error('constraint');
        return items;
      },
      10,
      { attempts: 3, baseMs: 1, isTransient: () => false }
    );
    await expect(Promise.all([run('a'), run('b')])).resolves.toEqual(['a', 'b']);
    expect(groups).toEqual([['a', 'b'], ['a'], ['b']]);
  });
});
