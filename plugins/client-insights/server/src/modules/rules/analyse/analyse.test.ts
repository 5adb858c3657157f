import { analyseRule, canonicalForm, duplicateWarnings, fingerprint } from '.';

const v = (path: string) => ({ var: path });
const spent = v('metrics.total_spent');

describe('analyseRule: contradiction', () => {
  it('names both conditions of disjoint numeric bounds', () => {
    const rule = { and: [{ '==': [v('customer.stage'), 'signed'] }, { '>': [spent, 100000] }, { '<': [spent, 5000] }] };
    const warnings = analyseRule(rule);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'contradiction', path: '', conditions: ['/and/1', '/and/2'] });
    expect(warnings[0].message).toContain('metrics.total_spent > 100000');
    expect(warnings[0].message).toContain('metrics.total_spent < 5000');
    expect(warnings[0].suggestion).toBeTruthy();
  });

  it('finds two different equalities, disjoint in-lists, equality outside a list', () => {
    expect(analyseRule({ and: [{ '==': [v('customer.stage'), 'signed'] }, { '===': [v('customer.stage'), 'churned'] }] })[0]).toMatchObject({
      kind: 'contradiction',
      conditions: ['/and/0', '/and/1'],
    });
    expect(analyseRule({ and: [{ in: [v('customer.region'), ['Beijing', 'Shanghai']] }, { in: [v('customer.region'), ['Shenzhen']] }] })[0].kind).toBe(
      'contradiction'
    );
    expect(analyseRule({ and: [{ '==': [v('customer.stage'), 'signed'] }, { in: [v('customer.stage'), ['churned', 'application']] }] })).toHaveLength(1);
    expect(analyseRule({ and: [{ '==': [v('customer.stage'), 'signed'] }, { '!=': [v('customer.stage'), 'signed'] }] })).toHaveLength(1);
  });

  it('works through nesting, between, datetimes, integers and negation', () => {
    const nested = { or: [{ has_tag: ['vip'] }, { and: [{ '<=': [1000, spent, 2000] }, { and: [{ '>=': [spent, 3000] }] }] }] };
    expect(analyseRule(nested)).toEqual([expect.objectContaining({ kind: 'contradiction', path: '/or/1', conditions: ['/or/1/and/0', '/or/1/and/1/and/0'] })]);
    const dates = { and: [{ '>': [v('metrics.last_order_at'), '2025-06-01'] }, { '<': [v('metrics.last_order_at'), '2025-01-01T00:00:00Z'] }] };
    expect(analyseRule(dates)[0].kind).toBe('contradiction');
    // whole numbers: nothing between 5 and 6
    expect(analyseRule({ and: [{ '>': [v('metrics.order_count'), 5] }, { '<': [v('metrics.order_count'), 6] }] })).toHaveLength(1);
    expect(analyseRule({ and: [{ '>': [spent, 5] }, { '<': [spent, 6] }] })).toEqual([]);
    expect(analyseRule({ and: [{ has_tag: ['vip'] }, { '!': [{ has_tag: ['vip'] }] }] })[0]).toMatchObject({
      kind: 'contradiction',
      conditions: ['/and/0', '/and/1'],
    });
    expect(analyseRule({ and: [{ '>': [spent, 10] }, { '!': { '>': [spent, 5] } }] })[0].conditions).toEqual(['/and/0', '/and/1']);
  });

  it('a lone impossible condition is reported, counts are never negative or null', () => {
    expect(analyseRule({ '<=': [10, spent, 5] })[0]).toMatchObject({ kind: 'contradiction', conditions: [''] });
    expect(analyseRule({ and: [{ '<': [{ event_count: ['complaint', 30] }, 0] }, { has_tag: ['x'] }] })[0].conditions).toEqual(['/and/0']);
    expect(analyseRule({ '==': [v('metrics.order_count'), null] })[0].kind).toBe('contradiction');
  });

  it('stays quiet on satisfiable rules, respecting null semantics', () => {
    const fine = [
      { and: [{ '>': [spent, 100000] }, { '>=': [{ order_count: [30] }, 1] }] },
      { and: [{ '>=': [spent, 5000] }, { '<=': [spent, 5000] }] },
      { and: [{ '!': { '>': [v('score.clv'), 5] } }, { '==': [v('score.clv'), null] }] },
      { and: [{ '!=': [v('customer.stage'), 'signed'] }, { '!=': [v('customer.stage'), 'churned'] }] },
      { and: [{ has_tag: ['a'] }, { '!': [{ has_tag: ['b'] }] }] },
      { or: [{ '>': [spent, 100000] }, { '<': [spent, 5000] }] },
    ];
    for (const rule of fine) expect(analyseRule(rule)).toEqual([]);
  });
});

describe('analyseRule: always_true', () => {
  it('x > 5 OR NOT x > 5', () => {
    const rule = { and: [{ has_tag: ['vip'] }, { or: [{ '>': [v('score.clv'), 5] }, { '!': [{ '>': [v('score.clv'), 5] }] }] }] };
    expect(analyseRule(rule)).toEqual([expect.objectContaining({ kind: 'always_true', path: '/and/1', conditions: ['/and/1/or/0', '/and/1/or/1'] })]);
  });

  it('complementary bounds cover everyone only when the field is never null', () => {
    expect(analyseRule({ or: [{ '>': [spent, 5] }, { '<=': [spent, 5] }] })[0].kind).toBe('always_true');
    expect(analyseRule({ or: [{ '>': [v('score.clv'), 5] }, { '<=': [v('score.clv'), 5] }] })).toEqual([]);
    expect(analyseRule({ or: [{ '!=': [v('customer.region'), 'x'] }, { '==': [v('customer.region'), 'x'] }] })[0].kind).toBe('always_true');
    expect(analyseRule({ '>=': [{ event_count: ['email_open', null] }, 0] })[0].kind).toBe('always_true');
  });
});

describe('canonicalForm / fingerprint', () => {
  const same = (a: unknown, b: unknown) => expect(fingerprint(a)).toBe(fingerprint(b));

  it('equivalent rules written differently fingerprint the same', () => {
    same(
      { and: [{ '==': [v('customer.stage'), 'signed'] }, { '>': [spent, 100] }] },
      { and: [{ '>': [spent, 100] }, { and: [{ '===': [v('customer.stage'), 'signed'] }] }] }
    );
    same({ '<=': [100, spent, 200] }, { and: [{ '<=': [spent, 200] }, { '>=': [spent, 100] }] });
    same({ and: [{ '>': [spent, 100] }, { '>': [spent, 50] }] }, { '>': [spent, 100] });
    same({ '>': [v('metrics.order_count'), 2] }, { '>=': [v('metrics.order_count'), 3] });
    same(
      { or: [{ '==': [v('customer.stage'), 'signed'] }, { '==': [v('customer.stage'), 'churned'] }] },
      { in: [v('customer.stage'), ['churned', 'signed', 'signed']] }
    );
    same({ '>': [v('metrics.last_order_at'), '2025-01-01'] }, { '>': [v('metrics.last_order_at'), '2025-01-01T08:00:00+08:00'] });
    same({ '!': [{ '!': [{ has_tag: ['vip'] }] }] }, { has_tag: ['vip'] });
    same({ '!': [{ '==': [v('customer.region'), 'x'] }] }, { '!==': [v('customer.region'), 'x'] });
    same({ and: [{ has_tag: ['a'] }, { has_tag: ['a'] }] }, { has_tag: ['a'] });
    same({ or: [{ '>': [spent, 10] }, { '>': [spent, 20] }] }, { '>': [spent, 10] });
  });

  it('different rules fingerprint differently (nulls matter)', () => {
    const fp = (r: unknown) => fingerprint(r);
    expect(fp({ '>': [spent, 100] })).not.toBe(fp({ '>=': [spent, 100] }));
    expect(fp({ '!': [{ '>': [v('score.clv'), 5] }] })).not.toBe(fp({ '<=': [v('score.clv'), 5] }));
    expect(fp({ and: [{ has_tag: ['a'] }, { has_tag: ['b'] }] })).not.toBe(fp({ or: [{ has_tag: ['a'] }, { has_tag: ['b'] }] }));
    expect(fp({ '>=': [{ event_count: ['complaint', 30] }, 1] })).not.toBe(fp({ '>=': [{ event_count: ['complaint', 60] }, 1] }));
  });

  it('gives a readable canonical form', () => {
    expect(canonicalForm({ '<=': [100, spent, 200] })).toEqual({ and: [{ '<=': [spent, 200] }, { '>=': [spent, 100] }] });
    expect(canonicalForm({ or: [{ '==': [v('customer.stage'), 'signed'] }, { '<=': [1, spent, 2] }] })).toEqual({
      or: [{ '==': [v('customer.stage'), 'signed'] }, { and: [{ '<=': [spent, 2] }, { '>=': [spent, 1] }] }],
    });
    expect(() => canonicalForm({ '==': [v('customer.nope'), 1] })).toThrow();
  });

  it('duplicate warnings name the segment with the same canonical form', () => {
    const segments = [
      { key: 'vip', name: 'VIP', rule: { and: [{ '>': [spent, 100000] }, { '>=': [{ order_count: [30] }, 1] }] } },
      { key: 'other', name: 'Other', rule: { has_tag: ['x'] } },
      { key: 'broken', name: 'Broken', rule: { nope: [] } },
    ];
    const warnings = duplicateWarnings({ and: [{ '>=': [{ order_count: [30] }, 1] }, { '>': [spent, 100000] }] }, segments);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'duplicate', path: '' })]);
    expect(warnings[0].message).toContain('vip');
    expect(duplicateWarnings({ has_tag: ['y'] }, segments)).toEqual([]);
  });
});
