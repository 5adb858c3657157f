import en from '../../../../admin/src/translations/en.json';
import zhHans from '../../../../admin/src/translations/zh-Hans.json';
import zh from '../../../../admin/src/translations/zh.json';
import { QUADRANTS, RFM_SEGMENTS, VALUE_STRATEGIES } from '../../../../shared/enums';
import { QUADRANT_STRATEGY, SEGMENT_STRATEGY, STRATEGY_TEXTS, suggestionsFor } from './suggestions';

/** The strategy words the value-score endpoint returns are the admin's own (`values.strategy.<code>`), in every language. */
describe('strategy suggestions', () => {
  it('names one strategy per RFM segment and quadrant, each with its words', () => {
    expect(Object.keys(SEGMENT_STRATEGY).sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(Object.keys(QUADRANT_STRATEGY).sort()).toEqual([...QUADRANTS].sort());
    expect([...Object.values(SEGMENT_STRATEGY), ...Object.values(QUADRANT_STRATEGY)].sort()).toEqual([...VALUE_STRATEGIES].sort());
    expect(Object.keys(STRATEGY_TEXTS).sort()).toEqual([...VALUE_STRATEGIES].sort());
  });

  it.each([
    ['en', en],
    ['zh-Hans', zhHans],
    ['zh', zh],
  ] as const)('words each strategy as the admin does in %s', (locale, messages: Record<string, string>) => {
    for (const code of VALUE_STRATEGIES) expect([code, messages[`values.strategy.${code}`]]).toEqual([code, STRATEGY_TEXTS[code][locale]]);
  });

  it("returns a customer's segment and quadrant strategies, null for unknown ones", () => {
    expect(suggestionsFor('champions', 'churn_risk')).toEqual({ segment: STRATEGY_TEXTS.premium_and_referral, quadrant: STRATEGY_TEXTS.resolve_then_win_back });
    expect(suggestionsFor(null, 'gold')).toEqual({ segment: null, quadrant: null });
  });
});
