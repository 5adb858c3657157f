import { holdoutBucket, inCampaignHoldout, liftOf, wilson } from './holdout';

describe('holdout statistics', () => {
  it("gives Wilson's interval (worked by hand: 0 of 10 → [0, z²/(n + z²)])", () => {
    const [lo, hi] = wilson(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(3.841459 / 13.841459, 6);
  });

  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score).
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339, false],
    [9, 10, 3, 10, 0.1705, 0.809, true],
    [6, 7, 2, 7, 0.0582, 0.8062, true],
    [5, 56, 0, 29, -0.0381, 0.1926, true],
  ])('matches Newcombe’s published interval for %i/%i vs %i/%i', (x1, n1, x2, n2, lo, hi, tooSmall) => {
    const r = liftOf({ customers: n1, converted: x1 }, { customers: n2, converted: x2 });
    expect(r.lift).toBeCloseTo(x1 / n1 - x2 / n2, 9);
    expect(r.ci![0]).toBeCloseTo(lo, 4);
    expect(r.ci![1]).toBeCloseTo(hi, 4);
    // Under 30 customers per group, or under 5 (non-)conversions.
    expect(r.tooSmall).toBe(tooSmall);
  });

  it('says when a group is empty or too small', () => {
    expect(liftOf({ customers: 0, converted: 0 }, { customers: 10, converted: 2 })).toMatchObject({ lift: null, ci: null, tooSmall: true });
    expect(liftOf({ customers: 400, converted: 80 }, { customers: 100, converted: 12 })).toMatchObject({ tooSmall: false });
    expect(liftOf({ customers: 400, converted: 80 }, { customers: 100, converted: 0 }).relativeLift).toBeNull();
  });
});

describe('holdout bucket', () => {
  it('is reproducible, within 0–99 and spread evenly', () => {
    const share = Array.from({ length: 100_000 }, (_, i) => holdoutBucket(7, i + 1)).filter((b) => b < 20).length / 100_000;
    expect(share).toBeGreaterThan(0.19);
    expect(share).toBeLessThan(0.21);
    expect(holdoutBucket(7, 12345)).toBe(holdoutBucket(7, 12345));
    expect(holdoutBucket(7, 12345)).not.toBe(holdoutBucket(8, 12345));
    // ((12345 × 2654435761 + 7 × 40503) mod 4294967291) mod 100: 32769009469545 + 283521 written out.
    expect(holdoutBucket(7, 12345)).toBe(Number((32769009469545n + 283521n) % 4294967291n) % 100);
    expect(inCampaignHoldout(7, 12345, 0)).toBe(false);
    expect(inCampaignHoldout(7, 12345, 100)).toBe(true);
  });
});
