import type { RuleWarning } from '../../../../shared/contracts/rules';
import { shownWarnings } from './warningText';

const duplicate = (n: number): RuleWarning => ({
  path: '',
  kind: 'duplicate',
  code: 'duplicate',
  params: { segment: { key: `s${n}`, name: `S${n}` } },
  message: `Same rule as segment "S${n}"`,
  suggestion: '',
});
const empty: RuleWarning = { path: '', kind: 'empty', code: 'empty', params: {}, message: 'none', suggestion: '' };

describe('shownWarnings', () => {
  it('names three segments with the same rule and counts the rest, keeping every other warning', () => {
    const warnings = [duplicate(1), empty, duplicate(2), duplicate(3), duplicate(4), duplicate(5)];
    const { shown, moreDuplicates } = shownWarnings(warnings);
    expect(shown).toEqual([duplicate(1), empty, duplicate(2), duplicate(3)]);
    expect(moreDuplicates).toBe(2);
  });

  it('shows up to three as they are', () => {
    expect(shownWarnings([duplicate(1), duplicate(2), duplicate(3)])).toEqual({ shown: [duplicate(1), duplicate(2), duplicate(3)], moreDuplicates: 0 });
  });
});
