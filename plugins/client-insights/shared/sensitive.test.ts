import { SENSITIVE_RULE_FIELDS, sensitiveReads } from './sensitive';

describe('sensitive rule reads', () => {
  it('are the customer contact fields and notes', () => {
    expect(SENSITIVE_RULE_FIELDS).toEqual(['customer.email', 'customer.phone', 'customer.notes']);
  });

  it('names each read of a sensitive field by the JSON pointer of its var, in order', () => {
    const rule = {
      and: [
        { '==': [{ var: 'customer.email' }, 'a@b.c'] },
        { in: ['+86', { var: ['customer.phone', ''] }] },
        { '==': [{ var: 'customer.region' }, 'x'] },
        { '!': [{ 'a/b': { var: 'customer.email' } }] },
      ],
    };
    expect(sensitiveReads(rule)).toEqual([
      { path: '/and/0/==/0/var', field: 'customer.email' },
      { path: '/and/1/in/1/var', field: 'customer.phone' },
      { path: '/and/3/!/0/a~1b/var', field: 'customer.email' },
    ]);
    expect(sensitiveReads({ '==': [{ var: 'customer.name' }, 'customer.email'] })).toEqual([]);
    expect(sensitiveReads(null)).toEqual([]);
  });

  it('walks any nesting without recursion', () => {
    let rule: unknown = { '==': [{ var: 'customer.phone' }, '1'] };
    for (let i = 0; i < 100_000; i += 1) rule = { '!': [rule] };
    expect(sensitiveReads(rule)).toHaveLength(1);
  });
});
