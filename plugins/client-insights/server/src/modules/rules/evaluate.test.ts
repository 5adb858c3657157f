import { hashValue } from '../../core/security/field-crypto';
import { compileEvaluator, evaluateRule } from './evaluate';
import { RuleValidationError } from './validate';
import type { CustomerFacts } from './types';

const NOW = new Date('2026-01-15T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY + ms);
const v = (path: string) => ({ var: path });

const facts = (over: Partial<CustomerFacts> = {}): CustomerFacts => ({
  customer: { name: 'Li Wei', region: 'Beijing', stage: 'signed', created_at: ago(100), owner: null, email: null },
  metrics: { order_count: 0, total_spent: 0, avg_order_value: null, last_order_at: null },
  score: { churn_risk: null },
  tags: ['vip'],
  segments: ['high-value'],
  events: [
    { type: 'meeting_attended', occurred_at: ago(30) }, // exactly on the window edge: outside
    { type: 'meeting_attended', occurred_at: ago(30, 1) }, // 1 ms inside
    { type: 'complaint', occurred_at: ago(400) },
  ],
  orders: [
    { amount: 0.1, status: 'paid', kind: 'new', ordered_at: ago(10) },
    { amount: 0.2, status: 'paid', kind: 'renewal', ordered_at: ago(20) },
    { amount: 9999, status: 'pending', kind: 'new', ordered_at: ago(1) },
    { amount: 50, status: 'paid', kind: 'upsell', ordered_at: ago(365) },
  ],
  ...over,
});
const is = (rule: unknown, f = facts()) => evaluateRule(rule, f, { now: NOW });

describe('evaluateRule: fields encrypted at rest', () => {
  // Facts hold an encrypted field's keyed hash (facts.ts), never its plaintext.
  const withEmail = facts({
    customer: { ...facts().customer, email: hashValue('email', 'li.wei@example.com'), phone: hashValue('phone', '+86 138 0000 0000') },
  });
  it('compares whole values by hash, ignoring case, spaces and punctuation as the SQL does', () => {
    expect(is({ '==': [v('customer.email'), ' Li.Wei@Example.com'] }, withEmail)).toBe(true);
    expect(is({ '==': [v('customer.email'), 'li.wei@example.cn'] }, withEmail)).toBe(false);
    expect(is({ '!=': [v('customer.email'), 'li.wei@example.cn'] }, withEmail)).toBe(true);
    expect(is({ in: [v('customer.phone'), ['13800000000', '8613800000000']] }, withEmail)).toBe(true);
    expect(is({ '!=': [v('customer.phone'), null] }, withEmail)).toBe(true);
  });
  it('refuses text search inside them, naming why', () => {
    expect(() => is({ in: ['@example', v('customer.email')] }, withEmail)).toThrow(RuleValidationError);
    expect(() => is({ in: ['138', v('customer.phone')] }, withEmail)).toThrow(/customer\.phone" is encrypted at rest: it can be compared whole/);
  });
});

describe('evaluateRule: null semantics (two-valued)', () => {
  it('== is null-safe and != is its negation', () => {
    expect(is({ '==': [v('customer.email'), null] })).toBe(true);
    expect(is({ '!=': [v('customer.email'), null] })).toBe(false);
    expect(is({ '==': [v('customer.email'), 'a@b.c'] })).toBe(false);
    expect(is({ '!=': [v('customer.email'), 'a@b.c'] })).toBe(true);
    expect(is({ '==': [v('customer.region'), null] })).toBe(false);
  });
  it('ordering, between and in with a null operand are false, and ! negates exactly', () => {
    expect(is({ '>': [v('metrics.avg_order_value'), -1] })).toBe(false);
    expect(is({ '<=': [v('metrics.avg_order_value'), 1e9] })).toBe(false);
    expect(is({ '<=': [0, v('score.churn_risk'), 1] })).toBe(false);
    expect(is({ in: [v('customer.email'), ['x']] })).toBe(false);
    expect(is({ in: ['@', v('customer.program')] })).toBe(false);
    expect(is({ '!': [{ '>': [v('metrics.avg_order_value'), 5] }] })).toBe(true);
    expect(is({ '!': { '<': [v('metrics.avg_order_value'), 5] } })).toBe(true);
  });
  it('is type-strict where json-logic-js coerces', () => {
    expect(is({ '==': [v('metrics.order_count'), 0] })).toBe(true);
    expect(is({ '==': [v('metrics.order_count'), null] })).toBe(false);
    expect(is({ '==': [v('customer.region'), 'beijing'] })).toBe(false);
    expect(is({ in: ['bei', v('customer.region')] })).toBe(false);
    expect(is({ in: ['Bei', v('customer.region')] })).toBe(true);
  });
});

describe('evaluateRule: windows and boundaries', () => {
  it('counts events strictly after now - N days', () => {
    expect(is({ '==': [{ event_count: ['meeting_attended', 30] }, 1] })).toBe(true);
    expect(is({ '==': [{ event_count: ['meeting_attended', null] }, 2] })).toBe(true);
    expect(is({ '==': [{ event_count: ['complaint', 365] }, 0] })).toBe(true);
    expect(is({ '==': [{ event_count: ['complaint', null] }, 1] })).toBe(true);
    expect(is({ '==': [{ event_count: ['complaint', null] }, null] })).toBe(false);
  });
  it('counts and sums paid orders only, at cents', () => {
    expect(is({ '==': [{ order_count: [365] }, 2] })).toBe(true);
    expect(is({ '==': [{ order_count: [null] }, 3] })).toBe(true);
    expect(is({ '==': [{ order_total: [30] }, 0.3] })).toBe(true); // 0.1 + 0.2, not 0.30000000000000004
    expect(is({ '==': [{ order_total: [null] }, 50.3] })).toBe(true);
  });
  it('days_since floors whole days and is null for a null datetime', () => {
    const f = facts({ metrics: { last_order_at: ago(90) } });
    expect(is({ '==': [{ days_since: [v('metrics.last_order_at')] }, 90] }, f)).toBe(true);
    const justUnder = facts({ metrics: { last_order_at: ago(90, 1) } });
    expect(is({ '==': [{ days_since: [v('metrics.last_order_at')] }, 89] }, justUnder)).toBe(true);
    expect(is({ '==': [{ days_since: [v('metrics.last_order_at')] }, null] })).toBe(true);
    expect(is({ '>': [{ days_since: [v('metrics.last_order_at')] }, -1e6] })).toBe(false);
  });
  it('compares datetimes with ISO literals at millisecond precision', () => {
    const created = facts({ customer: { created_at: new Date('2025-06-01T00:00:00.000Z') } });
    expect(is({ '==': [v('customer.created_at'), '2025-06-01T08:00:00+08:00'] }, created)).toBe(true);
    expect(is({ '>': [v('customer.created_at'), '2025-06-01'] }, created)).toBe(false);
    expect(is({ '<=': ['2025-06-01', v('customer.created_at'), '2025-06-01'] }, created)).toBe(true);
    expect(is({ '<': ['2025-06-01', v('customer.created_at'), '2025-06-02'] }, created)).toBe(false);
  });
  it('reads tags and segments', () => {
    expect(is({ has_tag: ['vip'] })).toBe(true);
    expect(is({ has_tag: ['VIP'] })).toBe(false);
    expect(is({ in_segment: 'high-value' })).toBe(true);
  });
});

describe('evaluateRule: facts built by hand', () => {
  it('reads counts missing from the facts as 0, like a missing rollup row in SQL', () => {
    const bare = facts({ metrics: {}, score: {} });
    expect(is({ '==': [v('metrics.complaint_count'), 0] }, bare)).toBe(true);
    expect(is({ '==': [v('metrics.avg_order_value'), null] }, bare)).toBe(true);
    expect(is({ '==': [v('score.clv'), null] }, bare)).toBe(true);
  });
});

describe('evaluator state', () => {
  it('does not keep now between calls', () => {
    const rule = { '>=': [{ order_count: [5] }, 1] };
    const decide = compileEvaluator(rule);
    const f = facts();
    expect(decide(f, { now: NOW })).toBe(false);
    expect(decide(f, { now: new Date(NOW.getTime() - 6 * DAY) })).toBe(true);
    expect(decide(f, { now: NOW })).toBe(false);
  });
  it('refuses invalid rules', () => {
    expect(() => is({ '==': [v('customer.secret'), 1] })).toThrow(/unknown field/);
  });
});
