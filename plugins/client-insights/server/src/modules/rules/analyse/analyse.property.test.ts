/**
 * The analysis is checked against the evaluator on random rules and customers: a rule's canonical
 * form decides every customer as the rule does, a branch reported as a contradiction is false for
 * every customer, one reported as always true is true for every customer.
 */
import fc from 'fast-check';
import { analyseRule, canonicalForm } from '.';
import { evaluateRule } from '../evaluate';
import type { CustomerFacts } from '../types';

const now = new Date('2026-01-01T00:00:00Z');
const v = (path: string) => ({ var: path });
const DATES = ['2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', '2025-12-01T00:00:00.000Z'];

const numberAtom = (operand: unknown, values: number[]) =>
  fc.oneof(
    fc.tuple(fc.constantFrom('==', '!=', '>', '>=', '<', '<='), fc.constantFrom(...values)).map(([op, x]) => ({ [op]: [operand, x] })),
    fc.tuple(fc.constantFrom('<=', '<'), fc.constantFrom(...values), fc.constantFrom(...values)).map(([op, a, b]) => ({ [op]: [a, operand, b] }))
  );

const atom: fc.Arbitrary<unknown> = fc.oneof(
  numberAtom(v('metrics.total_spent'), [0, 5, 10, 10.5, 20]),
  numberAtom(v('score.clv'), [0, 5, 10]),
  numberAtom(v('metrics.order_count'), [0, 1, 2, 3]),
  numberAtom({ event_count: ['complaint', null] }, [0, 1, 2]),
  fc.constantFrom('==', '!=').chain((op) => fc.constantFrom('signed', 'churned', 'application').map((x) => ({ [op]: [v('customer.stage'), x] }))),
  fc.subarray(['signed', 'churned', 'application'], { minLength: 1 }).map((xs) => ({ in: [v('customer.stage'), xs] })),
  fc.tuple(fc.constantFrom('==', '!='), fc.constantFrom('a', 'b', null)).map(([op, x]) => ({ [op]: [v('customer.region'), x] })),
  fc
    .tuple(fc.constantFrom('>', '<=', '==', '!='), fc.constantFrom(...DATES, null))
    .filter(([op, d]) => d !== null || op === '==' || op === '!=')
    .map(([op, d]) => ({ [op]: [v('metrics.last_order_at'), d] })),
  fc.constantFrom('a', 'b').map((t) => ({ has_tag: [t] }))
);

const rule = fc.letrec<{ r: unknown }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('r'), { minLength: 1, maxLength: 4 }).map((xs) => ({ and: xs })),
    fc.array(tie('r'), { minLength: 1, maxLength: 4 }).map((xs) => ({ or: xs })),
    tie('r').map((x) => ({ '!': [x] }))
  ),
})).r;

const facts = fc
  .record({
    stage: fc.constantFrom('signed', 'churned', 'application'),
    region: fc.constantFrom('a', 'b', null),
    spent: fc.constantFrom(0, 5, 7, 10, 10.5, 20, 30),
    clv: fc.constantFrom(null, 0, 5, 7, 10, 12),
    count: fc.constantFrom(0, 1, 2, 3, 4),
    complaints: fc.constantFrom(0, 1, 2, 3),
    last: fc.constantFrom(null, ...DATES, '2025-03-01T00:00:00.000Z'),
    tags: fc.subarray(['a', 'b']),
  })
  .map((f): CustomerFacts => ({
    customer: { stage: f.stage, region: f.region },
    metrics: { total_spent: f.spent, order_count: f.count, last_order_at: f.last === null ? null : new Date(f.last) },
    score: { clv: f.clv },
    tags: f.tags,
    segments: [],
    events: Array.from({ length: f.complaints }, () => ({ type: 'complaint', occurred_at: new Date('2025-01-01T00:00:00Z') })),
    orders: [],
  }));

/** The sub-rule a JSON pointer names. */
const at = (root: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: any, token) => node[Array.isArray(node) ? Number(token) : token], root);

describe('analysis agrees with the evaluator', () => {
  it('the canonical form decides every customer as the rule does', () => {
    fc.assert(
      fc.property(rule, fc.array(facts, { minLength: 20, maxLength: 20 }), (r, customers) => {
        const canon = canonicalForm(r);
        for (const c of customers) expect([r, evaluateRule(canon, c, { now })]).toEqual([r, evaluateRule(r, c, { now })]);
      }),
      { numRuns: 1000 }
    );
  });

  it('contradictions are never true and always_true branches always are', () => {
    let reported = 0;
    fc.assert(
      fc.property(rule, fc.array(facts, { minLength: 30, maxLength: 30 }), (r, customers) => {
        for (const w of analyseRule(r)) {
          reported += 1;
          const branch = at(r, w.path);
          const expected = w.kind === 'always_true';
          for (const c of customers) expect([r, w.path, evaluateRule(branch, c, { now })]).toEqual([r, w.path, expected]);
        }
      }),
      { numRuns: 1000 }
    );
    expect(reported).toBeGreaterThan(100);
  });
});
