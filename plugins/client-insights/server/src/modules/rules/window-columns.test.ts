import { plannedRule } from './compile';
import { DAY_MS } from './operators';
import { parseRuleOrThrow } from './validate';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const spent = { '>': [{ var: 'metrics.total_spent' }, 100] };
const opens = (op: string, n: number, days: number | null = 30) => ({ [op]: [{ event_count: ['email_open', days] }, n] });
/** `rule` beside a metrics condition, rewritten; its second conjunct (at /and/1). */
const rewritten = (rule: unknown) => (plannedRule(parseRuleOrThrow({ and: [spent, rule] }), NOW) as any).args[1];
const parsed = (rule: unknown) => (parseRuleOrThrow({ and: [spent, rule] }) as any).args[1];
/** `last_email_open_at > now - 30 days`, as the rewrite writes it at `path`. */
const lastOpen = (path: string) => ({
  kind: 'compare',
  path,
  op: '>',
  operand: { kind: 'field', field: expect.objectContaining({ path: 'metrics.last_email_open_at', type: 'datetime' }) },
  literals: [NOW.getTime() - 30 * DAY_MS],
});

describe('plannedRule: windows of interactions and paid orders read from the latest-date columns', () => {
  it('reads "at least one in N days" as the latest one falling in the window', () => {
    for (const [op, n] of [
      ['>=', 1],
      ['>', 0],
      ['!=', 0],
    ] as const)
      expect(rewritten(opens(op, n))).toEqual(lastOpen('/and/1'));
  });

  it('reads "none in N days" as its negation, so a customer without any (null column) holds', () => {
    for (const [op, n] of [
      ['==', 0],
      ['<', 1],
      ['<=', 0],
    ] as const)
      expect(rewritten(opens(op, n))).toEqual({ kind: 'not', path: '/and/1', arg: lastOpen('/and/1') });
  });

  it('reads a window of paid orders from the last paid order', () => {
    const field = expect.objectContaining({ path: 'metrics.last_order_at' });
    const lastOrder = { kind: 'compare', path: '/and/1', op: '>', operand: { kind: 'field', field }, literals: [NOW.getTime() - 30 * DAY_MS] };
    expect(rewritten({ '>=': [{ order_count: [30] }, 1] })).toEqual(lastOrder);
    expect(rewritten({ '==': [{ order_count: [30] }, 0] })).toEqual({ kind: 'not', path: '/and/1', arg: lastOrder });
  });

  it('leaves counts other than some/none, all-time counts and sums as they are', () => {
    for (const rule of [opens('>=', 2), opens('<', 3), opens('>=', 1, null), { '>=': [{ order_count: [null] }, 1] }, { '>': [{ order_total: [30] }, 0] }]) {
      expect(rewritten(rule)).toEqual(parsed(rule));
    }
  });

  it('rewrites under and, ! and an or of mixed branches, keeping each node where it was', () => {
    const rule = { and: [{ or: [opens('>=', 1), { '==': [{ var: 'customer.stage' }, 'signed'] }] }, { '!': [opens('==', 0)] }] };
    const out = rewritten(rule);
    expect(out.args[0].args[0]).toEqual(lastOpen('/and/1/and/0/or/0'));
    expect(out.args[0].args[1]).toEqual(parsed(rule).args[0].args[1]);
    expect(out.args[1]).toEqual({ kind: 'not', path: '/and/1/and/1', arg: { kind: 'not', path: '/and/1/and/1/!/0', arg: lastOpen('/and/1/and/1/!/0') } });
  });

  it('keeps the windows of a rule that reads no metrics, and of an or read as one union of customers', () => {
    expect(plannedRule(parseRuleOrThrow(opens('>=', 1)), NOW)).toEqual(parseRuleOrThrow(opens('>=', 1)));
    const union = { or: [opens('>=', 1), { has_tag: ['vip'] }] };
    expect(rewritten(union)).toEqual(parsed(union));
  });
});
