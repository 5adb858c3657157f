import { canonicalForm, canonicalOfNode } from './analyse';
import { plainRelaxation } from './ast';
import { parseRuleOrThrow } from './validate';

const v = (path: string) => ({ var: path });
const stage = { in: [v('customer.stage'), ['signed', 'in_service']] };
const spent = { '>': [v('metrics.total_spent'), 20000] };
const window = { '>=': [{ order_count: [365] }, 1] };
const tag = { has_tag: ['vip'] };

/** The relaxation of `rule`, printed back as JSON-Logic (null: no narrower plain rule). */
const relax = (rule: unknown) => {
  const relaxed = plainRelaxation(parseRuleOrThrow(rule));
  return relaxed ? canonicalOfNode(relaxed) : null;
};
const same = canonicalForm;

describe('plainRelaxation: the plain conditions every match satisfies', () => {
  it('keeps a rule of plain conditions whole, nesting included', () => {
    const rule = { or: [stage, { '!': [spent] }] };
    expect(relax(rule)).toEqual(same(rule));
  });

  it('drops custom operators from an and, at any depth', () => {
    expect(relax({ and: [stage, window, { and: [spent, tag] }] })).toEqual(same({ and: [stage, { and: [spent] }] }));
    expect(relax({ and: [stage, tag] })).toEqual(same(stage));
  });

  it('keeps an or only when every branch relaxes, and no not over a custom operator', () => {
    expect(relax({ or: [{ and: [stage, window] }, { and: [spent, tag] }] })).toEqual(same({ or: [stage, spent] }));
    expect(relax({ or: [stage, window] })).toBeNull();
    expect(relax({ and: [stage, { '!': [tag] }] })).toEqual(same(stage));
    expect(relax({ '!': [{ and: [stage, window] }] })).toBeNull();
  });

  it('gives nothing for a rule of custom operators only', () => {
    expect(relax({ and: [window, tag] })).toBeNull();
  });
});
