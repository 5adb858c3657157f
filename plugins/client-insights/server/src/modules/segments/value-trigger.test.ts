import type { SegmentRow } from './repository';
import { ruleEngine } from './rule-engine';
import { createCoalescingTask } from '../../core/jobs/coalescing';
import { segmentsReadingFields } from './value-trigger';

const seg = (id: number, key: string, rule: unknown, more: Partial<SegmentRow> = {}) =>
  ({ id, key, rule, parentId: null, type: 'dynamic', status: 'active', documentId: `d${id}`, name: key, ...more }) as unknown as SegmentRow;
const score = (path: string) => ({ '>=': [{ var: path }, 0.5] });
const stage = { '==': [{ var: 'customer.stage' }, 'signed'] };
const isScore = (path: string) => path.startsWith('score.');

describe('segments a value refresh makes stale', () => {
  it('picks rules reading score.* (also via a parent or in_segment), in dependency order, and nothing else', () => {
    const segments = [
      seg(1, 'uses-target', { in_segment: ['risky'] }),
      seg(2, 'risky', { and: [stage, score('score.churn_risk')] }),
      seg(3, 'child-of-risky', stage, { parentId: 2 }),
      seg(4, 'facts-only', stage),
      seg(5, 'default-form', { '>': [{ var: ['score.clv', 0] }, 1000] }),
      seg(6, 'static-score', score('score.r'), { type: 'static' }),
      seg(7, 'inactive-score', score('score.r'), { status: 'inactive' }),
      seg(8, 'metrics-only', { '>': [{ var: 'metrics.total_spent' }, 10] }),
    ];
    const keys = segmentsReadingFields(segments, ruleEngine(), isScore).map((s) => s.key);
    expect(new Set(keys)).toEqual(new Set(['risky', 'uses-target', 'child-of-risky', 'default-form']));
    expect(keys.indexOf('risky')).toBeLessThan(keys.indexOf('uses-target'));
    expect(keys.indexOf('risky')).toBeLessThan(keys.indexOf('child-of-risky'));
    // Only the fields asked about.
    expect(segmentsReadingFields(segments, ruleEngine(), (p) => p === 'score.clv').map((s) => s.key)).toEqual(['default-form']);
  });

  it('names the fields a rule reads', () => {
    expect(
      ruleEngine()
        .referencedFields({ or: [score('score.r'), { and: [stage, { in_segment: ['x'] }] }] })
        .sort()
    ).toEqual(['customer.stage', 'score.r']);
  });
});

describe('coalescing task', () => {
  it('runs once at a time; requests during a run make exactly one more run', async () => {
    let runs = 0;
    let release!: () => void;
    const task = createCoalescingTask(
      async () => {
        runs += 1;
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => undefined
    );
    const first = task.request();
    void task.request();
    void task.request();
    expect(runs).toBe(1);
    release();
    await first;
    await task.idle();
    expect(runs).toBe(2);
  });

  it('hands errors to onError and keeps working', async () => {
    const errors: string[] = [];
    let calls = 0;
    const task = createCoalescingTask(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('first fails');
      },
      (e) => void errors.push(e.message)
    );
    await task.request();
    await task.request();
    expect([calls, errors]).toEqual([2, ['first fails']]);
  });
});
