import { backtest, bestFit, forecastAt, forecastPoints, GRID, holt, holtWinters, residualSd } from './forecast';

/** Expected values worked by hand from the recurrences in forecast.ts (each step written out in the comments). */
describe('Holt linear trend', () => {
  // y = 1 3 4 6, α = β = 0.5; ℓ₀ = 1, b₀ = 2
  // t=1: ŷ 3 (not counted) → ℓ 3, b 2
  // t=2: ŷ 5, e −1 → ℓ 4.5, b 1.75
  // t=3: ŷ 6.25, e −0.25 → ℓ 6.125, b 1.6875
  const fit = holt([1, 3, 4, 6], 0.5, 0.5);

  it('updates level and trend and sums the one-step errors', () => {
    expect(fit.errors).toEqual([-1, -0.25]);
    expect(fit.sse).toBeCloseTo(1.0625, 12);
    expect(fit.level).toBeCloseTo(6.125, 12);
    expect(fit.trend).toBeCloseTo(1.6875, 12);
  });

  it('forecasts level + h × trend with a band of ±1.96 σ √h', () => {
    expect(forecastAt(fit, 1)).toBeCloseTo(7.8125, 12);
    expect(forecastAt(fit, 2)).toBeCloseTo(9.5, 12);
    const sd = Math.sqrt(1.0625 / 2);
    expect(residualSd(fit)).toBeCloseTo(sd, 12);
    const [p1, p2] = forecastPoints(fit, 2);
    expect(p1.upper - p1.value).toBeCloseTo(1.96 * sd, 10);
    expect(p2.upper - p2.value).toBeCloseTo(1.96 * sd * Math.SQRT2, 10);
    expect(p2.value - p2.lower).toBeCloseTo(1.96 * sd * Math.SQRT2, 10);
  });
});

describe('Holt-Winters additive', () => {
  // y = 1 3 2 4 3 5, m = 2, α = β = γ = 0.5; ℓ = 2, b = (3 − 2) / 2 = 0.5, s = −1, 1
  // t=2: ŷ 1.5, e 0.5 → ℓ 2.75, b 0.625, s₂ −0.875
  // t=3: ŷ 4.375, e −0.375 → ℓ 3.1875, b 0.53125, s₃ 0.90625
  // t=4: ŷ 2.84375, e 0.15625 → ℓ 3.796875, b 0.5703125, s₄ −0.8359375
  // t=5: ŷ 5.2734375, e −0.2734375 → ℓ 4.23046875, b 0.501953125, s₅ 0.837890625
  const fit = holtWinters([1, 3, 2, 4, 3, 5], 2, 0.5, 0.5, 0.5);

  it('updates level, trend and seasonals', () => {
    expect(fit.errors).toEqual([0.5, -0.375, 0.15625, -0.2734375]);
    expect(fit.sse).toBeCloseTo(0.48980712890625, 12);
    expect(fit.level).toBeCloseTo(4.23046875, 12);
    expect(fit.trend).toBeCloseTo(0.501953125, 12);
    expect(fit.seasonals.slice(4)).toEqual([-0.8359375, 0.837890625]);
  });

  it('forecasts with the seasonal of the same phase', () => {
    expect(forecastAt(fit, 1)).toBeCloseTo(3.896484375, 12);
    expect(forecastAt(fit, 2)).toBeCloseTo(6.072265625, 12);
    expect(forecastAt(fit, 3)).toBeCloseTo(4.900390625, 12);
  });
});

describe('parameter choice and backtest', () => {
  it('picks the grid point of least one-step SSE (Holt-Winters from two seasons on)', () => {
    const y = [5, 9, 4, 10, 6, 11, 5, 12, 7, 13];
    const fit = bestFit(y, 2)!;
    expect(fit.params.season).toBe(2);
    let least = Infinity;
    for (const a of GRID) for (const b of GRID) for (const g of GRID) least = Math.min(least, holtWinters(y, 2, a, b, g).sse);
    expect(fit.sse).toBe(least);
    expect(bestFit(y.slice(0, 3), 2)!.params.season).toBeNull();
    expect(bestFit([1, 2], 2)).toBeNull();
  });

  it('scores the forecast of the held-out points: exact on a straight line', () => {
    expect(backtest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 52, 2)).toEqual({ heldOut: 2, mae: 0, mape: 0 });
  });

  it('computes MAE and MAPE against hand values, skipping zero actuals in MAPE', () => {
    // Fit on 0 0 0 → forecasts 0; actuals 2 and 0: MAE (2 + 0) / 2 = 1, MAPE over the 2 only = 1.
    expect(backtest([0, 0, 0, 2, 0], 52, 2)).toEqual({ heldOut: 2, mae: 1, mape: 1 });
    expect(backtest([0, 0, 0, 0], 52, 1)).toEqual({ heldOut: 1, mae: 0, mape: null });
    expect(backtest([1, 2, 3], 52, 1)).toBeNull();
  });
});
