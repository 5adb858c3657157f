import { changedFields, changedSettings, diffRules } from './diff';

const stage = (v: string) => ({ '==': [{ var: 'customer.stage' }, v] });
const spent = (n: number) => ({ '>=': [{ var: 'metrics.total_spent' }, n] });
const region = (v: string) => ({ '==': [{ var: 'customer.region' }, v] });

describe('segment version diff', () => {
  it('names an added, a removed and a changed condition by pointer', () => {
    const before = { and: [stage('lead'), spent(100), region('Shanghai')] };
    const after = { and: [stage('lead'), spent(500), { has_tag: ['vip'] }] };
    expect(diffRules(before, after)).toEqual([
      { kind: 'changed', path: '/and/1', before: spent(100), after: spent(500) },
      { kind: 'removed', path: '/and/2', before: region('Shanghai') },
      { kind: 'added', path: '/and/2', after: { has_tag: ['vip'] } },
    ]);
  });

  it('sees no change in reordered and/or operands, and a whole-rule change when the operator differs', () => {
    expect(diffRules({ and: [stage('a'), region('b')] }, { and: [region('b'), stage('a')] })).toEqual([]);
    expect(diffRules({ and: [stage('a')] }, { or: [stage('a')] })).toEqual([
      { kind: 'changed', path: '', before: { and: [stage('a')] }, after: { or: [stage('a')] } },
    ]);
  });

  it('lists changed settings, the parent by id', () => {
    const base = {
      name: 'A',
      key: 'a',
      description: null,
      type: 'dynamic' as const,
      rule: stage('a'),
      status: 'active' as const,
      priority: 100,
      parent: { id: 1, key: 'p' },
      schedule: null,
      timezone: 'UTC',
      visibility: 'global' as const,
    };
    const next = { ...base, name: 'B', priority: 5, parent: { id: 1, key: 'renamed' }, rule: stage('b') };
    expect(changedSettings(base, next)).toEqual([
      { field: 'name', before: 'A', after: 'B' },
      { field: 'priority', before: 100, after: 5 },
    ]);
    expect(changedFields(base, next)).toEqual(['name', 'priority', 'rule']);
    expect(changedFields(base, { ...base })).toEqual([]);
  });
});
