import { parseIsoDate, parseRule, validateRule } from './validate';

const errorsOf = (rule: unknown, limits = {}) => {
  const result = validateRule(rule, { limits });
  return result.valid ? [] : result.errors;
};
const v = (path: string) => ({ var: path });

describe('validateRule: accepted forms', () => {
  it.each([
    [{ '==': [v('customer.stage'), 'signed'] }],
    [{ '===': [v('customer.stage'), null] }],
    [{ '!==': [v('score.quadrant'), 'dormant'] }],
    [{ '>=': [v('metrics.total_spent'), 100000.5] }],
    [{ '<=': [10, v('metrics.order_count'), 20] }],
    [{ '<': ['2025-01-01', v('customer.created_at'), '2025-02-01T12:30:00+08:00'] }],
    [{ in: [v('customer.region'), ['Beijing', 'Shanghai']] }],
    [{ in: ['Computer', v('customer.target_major')] }],
    [{ has_tag: ['vip'] }],
    [{ has_tag: 'vip' }],
    [{ in_segment: ['high-value'] }],
    [{ '>=': [{ event_count: ['meeting_attended', 30] }, 2] }],
    [{ '==': [{ event_count: ['complaint', null] }, 0] }],
    [{ '>': [{ order_total: [365] }, 5000] }],
    [{ '<': [{ order_count: [null] }, 3] }],
    [{ '>': [{ days_since: [v('metrics.last_order_at')] }, 90] }],
    [{ '!': { '==': [v('customer.stage'), 'churned'] } }],
    [{ and: [{ or: [{ has_tag: ['a'] }, { '!': [{ has_tag: ['b'] }] }] }, { '>': [v('score.churn_risk'), 0.5] }] }],
  ])('accepts %j', (rule) => {
    expect(errorsOf(rule)).toEqual([]);
  });
});

describe('validateRule: errors with JSON pointers', () => {
  it('names the failing argument', () => {
    const rule = { and: [{ '==': [v('customer.stage'), 'signed'] }, { '>=': [v('metrics.total_spent'), 'lots'] }] };
    expect(errorsOf(rule)).toEqual([{ path: '/and/1/>=/1', message: expect.stringContaining('number') }]);
  });
  it('refuses unknown fields and operators', () => {
    expect(errorsOf({ '==': [v('customer.password'), 'x'] })).toEqual([{ path: '/==/0/var', message: 'unknown field "customer.password"' }]);
    expect(errorsOf({ like: [v('customer.name'), '%a%'] })[0].path).toBe('/like');
    expect(errorsOf({ and: [{ '==': [{ regex: ['x'] }, 1] }] })[0].path).toBe('/and/0/==/0/regex');
  });
  it('refuses literals that do not fit the field', () => {
    expect(errorsOf({ '==': [v('metrics.order_count'), '5'] })[0].message).toMatch(/number/);
    expect(errorsOf({ '==': [v('customer.region'), 5] })[0].message).toMatch(/text/);
    expect(errorsOf({ '==': [v('customer.stage'), 'vip'] })[0].message).toMatch(/not a value/);
    expect(errorsOf({ '>': [v('customer.created_at'), 1700000000000] })[0].message).toMatch(/ISO-8601/);
    expect(errorsOf({ '>': [v('customer.created_at'), '2025-02-30'] })[0].message).toMatch(/ISO-8601/);
    expect(errorsOf({ '>': [v('metrics.order_count'), 2.5] })[0].message).toMatch(/whole numbers/);
    expect(errorsOf({ '>': [v('metrics.total_spent'), null] })[0].message).toMatch(/null/);
    expect(errorsOf({ '>': [v('customer.region'), 'a'] })[0].message).toMatch(/cannot be used/);
    expect(errorsOf({ in: ['a', v('customer.stage')] })[0].message).toMatch(/cannot be used/);
    expect(errorsOf({ in: [v('customer.stage'), []] })[0].message).toMatch(/empty/);
    expect(errorsOf({ '>': [v('metrics.total_spent'), 1e300] })[0].message).toMatch(/finite/);
  });
  it('requires a boolean rule at the top', () => {
    expect(errorsOf(v('customer.stage'))[0].path).toBe('');
    expect(errorsOf({ event_count: ['complaint', 30] })[0].message).toMatch(/returns a number/);
    expect(errorsOf(true)[0].path).toBe('');
    expect(errorsOf('customer.stage == 1')[0].path).toBe('');
    expect(errorsOf(null)[0].path).toBe('');
  });
  it('checks arity and shape', () => {
    expect(errorsOf({ '==': [v('customer.stage')] })[0].path).toBe('/==');
    expect(errorsOf({ and: [] })[0].path).toBe('/and');
    expect(errorsOf({ '!': [{ has_tag: ['a'] }, { has_tag: ['b'] }] })[0].path).toBe('/!');
    expect(errorsOf({ '==': ['signed', v('customer.stage')] })[0].path).toBe('/==/0');
    expect(errorsOf({ '==': [v('customer.stage'), 'a'], '!=': [v('customer.stage'), 'b'] })[0].message).toMatch(/exactly one/);
    expect(errorsOf({ '>': [{ event_count: ['nap', 30] }, 1] })[0].path).toBe('/>/0/event_count/0');
    expect(errorsOf({ '>': [{ order_count: [1.5] }, 1] })[0].path).toBe('/>/0/order_count/0');
    expect(errorsOf({ '>': [{ days_since: [v('customer.region')] }, 1] })[0].path).toBe('/>/0/days_since/0');
    expect(errorsOf({ '==': [{ var: ['customer.stage', 'signed'] }, 'signed'] })[0].path).toBe('/==/0/var');
  });
  it('escapes pointer tokens', () => {
    expect(errorsOf({ 'a/b~c': [] })[0].path).toBe('/a~1b~0c');
  });
});

describe('validateRule: limits', () => {
  const nest = (depth: number): unknown => (depth === 1 ? { has_tag: ['x'] } : { '!': [nest(depth - 1)] });
  it('bounds depth (default 16, configurable)', () => {
    expect(errorsOf(nest(16))).toEqual([]);
    expect(errorsOf(nest(17))[0].message).toMatch(/deeper than 16/);
    expect(errorsOf(nest(5), { maxDepth: 4 })[0].message).toMatch(/deeper than 4/);
  });
  it('survives absurd nesting without recursion errors', () => {
    let rule: unknown = { has_tag: ['x'] };
    for (let i = 0; i < 100_000; i += 1) rule = { '!': [rule] };
    expect(errorsOf(rule)[0].message).toMatch(/deeper/);
  });
  it('bounds node count', () => {
    const rule = { or: Array.from({ length: 300 }, (_, i) => ({ '==': [v('customer.region'), `r${i}`] })) };
    expect(errorsOf(rule)[0].message).toMatch(/more than 500 nodes/);
    expect(errorsOf(rule, { maxNodes: 2000 })).toEqual([]);
  });
  it('bounds list length', () => {
    const list = Array.from({ length: 10_001 }, (_, i) => `r${i}`);
    expect(errorsOf({ in: [v('customer.region'), list] })[0].message).toMatch(/more than 10000 values/);
    expect(errorsOf({ in: [v('customer.region'), list.slice(0, 10_000)] })).toEqual([]);
    expect(errorsOf({ in: [v('customer.region'), list.slice(0, 5)] }, { maxListLength: 4 })[0].path).toBe('/in/1');
  });
});

describe('validateRule: injection attempts are refused or harmless', () => {
  const attempts: Array<[string, unknown, boolean]> = [
    ['SQL in a field path', { '==': [v('customer.name; drop table customers; --'), 'x'] }, false],
    ['quoted identifier in a field path', { '==': [v('customer"."name'), 'x'] }, false],
    ['column of another table', { '==': [v('admin_users.password'), 'x'] }, false],
    ['prototype path', { '==': [v('__proto__.polluted'), 'x'] }, false],
    ['constructor path', { '==': [v('customer.constructor'), 'x'] }, false],
    ['SQL as an operator', { "1=1) or ('1'='1": [v('customer.name'), 'x'] }, false],
    ['__proto__ operator', JSON.parse('{"__proto__": [{"var": "customer.name"}, "x"]}'), false],
    ['json-logic method call', { 'constructor.constructor': ['return process'] }, false],
    ['SQL in an enum value', { '==': [v('customer.stage'), "signed' or '1'='1"] }, false],
    ['number as SQL', { '>': [v('metrics.total_spent'), '0 or 1=1'] }, false],
    ['date as SQL', { '>': [v('customer.created_at'), "2020-01-01' or '1'='1"] }, false],
    ['SQL in a window', { '>': [{ order_total: ['30; delete from orders'] }, 1] }, false],
    ['object as a literal', { '==': [v('customer.name'), { var: 'customer.email' }] }, false],
    ['SQL in a text value (bound, harmless)', { '==': [v('customer.name'), "x' or '1'='1"] }, true],
    ['SQL in a tag slug (bound, harmless)', { has_tag: ["vip') or 1=1 --"] }, true],
    ['SQL in contains (bound, harmless)', { in: ["%' or '1'='1", v('customer.region')] }, true],
  ];
  it.each(attempts)('%s', (_name, rule, validButBound) => {
    const result = parseRule(rule);
    expect(result.ok).toBe(validButBound);
  });
  it('does not pollute prototypes while validating', () => {
    validateRule(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseIsoDate', () => {
  it('reads dates, times and zones as UTC instants', () => {
    expect(parseIsoDate('2025-01-31')).toBe(Date.UTC(2025, 0, 31));
    expect(parseIsoDate('2025-01-31T08:00:00+08:00')).toBe(Date.UTC(2025, 0, 31));
    expect(parseIsoDate('2025-01-31T00:00:00.5Z')).toBe(Date.UTC(2025, 0, 31) + 500);
    expect(parseIsoDate('2025-01-31T00:00')).toBe(Date.UTC(2025, 0, 31));
    for (const bad of ['2025-13-01', '2025-02-29', '2025-01-31T24:00:00Z', 'yesterday', '2025-01-31T00:00:00.1234Z', '0999-01-01']) {
      expect(parseIsoDate(bad)).toBeNull();
    }
  });
});
