import { changeOf, fences, metricsOf, outlierOf, quantile, rankOf } from './metrics';

describe('report metrics', () => {
  it('derives rates from the sums, null where a denominator is 0', () => {
    const m = metricsOf({ customers: 10, revenue: 1000, orders: 4, buyers: 3, margin: 150, marginOrders: 2, base: 5, kept: 4 }, 4000);
    expect(m).toMatchObject({ aov: 250, conversionRate: 0.3, retentionRate: 0.8, marginRate: 0.15, marginCoverage: 0.5, revenueShare: 0.25 });
    expect(m.churnRate).toBeCloseTo(0.2, 12);
    const empty = metricsOf({ customers: 0, revenue: 0, orders: 0, buyers: 0, margin: null, marginOrders: 0, base: 0, kept: 0 }, 0);
    expect(empty).toMatchObject({ aov: null, conversionRate: null, retentionRate: null, churnRate: null, margin: null, marginRate: null, revenueShare: null });
    expect(changeOf(m, { ...m, revenue: 800, aov: null }).revenue).toBeCloseTo(0.25, 12);
    expect(changeOf(m, { ...m, aov: null }).aov).toBeNull();
  });

  it("marks values beyond Tukey's fences (quartiles by linear interpolation)", () => {
    // 1 2 3 4 100: Q1 = 2, Q3 = 4, IQR 2 → fences −1 and 7.
    expect(quantile([1, 2, 3, 4, 100], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(fences([1, 2, 3, 4, 100])).toEqual({ low: -1, high: 7 });
    expect(outlierOf(100, fences([1, 2, 3, 4, 100]))).toBe('high');
    expect(outlierOf(3, fences([1, 2, 3, 4, 100]))).toBeNull();
    expect(fences([1, 2, 3])).toBeNull();
  });

  it('ranks 1 = best with shared ranks for ties; lower is better for churn', () => {
    expect(rankOf('revenue', 5, [9, 5, 5, 1])).toEqual({ rank: 2, of: 4 });
    expect(rankOf('churnRate', 0.1, [0.3, 0.1, 0.2])).toEqual({ rank: 1, of: 3 });
    expect(rankOf('revenue', null, [1])).toBeNull();
  });
});
