import { seededRandom } from '../math/random';
import { lgamma } from '../math/special';
import {
  bgnbdLogLikelihood,
  compressSummary,
  conditionalExpectedTransactions,
  discountedExpectedTransactions,
  expectedTransactions,
  fitBgNbd,
  probabilityAlive,
} from './bgnbd';
import { simulateBgNbd } from './simulate';

// CDNOW estimates reported in Fader, Hardie & Lee (2005), time in weeks.
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD formulas', () => {
  it('P(alive) matches the hand computation', () => {
    // x=2, tx=30.43, T=38.86:
    //   a/(b+x−1) = 0.793/3.426 = 0.231465;  (α+T)/(α+tx) = 43.274/34.844 = 1.241935
    //   1.241935^(r+x=2.243) = exp(2.243 × 0.216671) = 1.625789;  × 0.231465 = 0.376314
    //   P(alive) = 1 / 1.376314 = 0.726579
    expect(probabilityAlive(CDNOW, 2, 30.43, 38.86)).toBeCloseTo(0.726579, 5);
    // No repeat purchase: the model says the customer is alive for sure.
    expect(probabilityAlive(CDNOW, 0, 0, 38.86)).toBe(1);
  });

  it('conditional expectation matches the hand computation and the paper', () => {
    // x=2, tx=30.43, T=38.86, t=39 (the example of the paper, which reports 1.226):
    //   (a+b+x−1)/(a−1) = 4.219/−0.207 = −20.381643
    //   z = 39/(4.414+38.86+39) = 0.474026;  ((α+T)/(α+T+t))^(r+x) = 0.525974^2.243 = 0.236659
    //   2F1(2.243, 4.426; 4.219; 0.474026) (series) = 4.575316
    //   numerator = −20.381643 × (1 − 0.236659 × 4.575316) = 1.687390;  / 1.376314 (as above) = 1.226021
    const value = conditionalExpectedTransactions(CDNOW, 39, 2, 30.43, 38.86);
    expect(value).toBeCloseTo(1.226021, 4);
  });

  it('a new customer (x = tx = T = 0) has the unconditional expectation, which a numeric integral confirms', () => {
    for (const t of [1, 10, 52]) {
      expect(conditionalExpectedTransactions(CDNOW, t, 0, 0, 0)).toBeCloseTo(expectedTransactions(CDNOW, t), 10);
    }
    // E[X(t)] = E_λ,p[(1 − e^{−λpt}) / p], integrated by the midpoint rule over Gamma(r, α) × Beta(a, b)
    // (shapes above 1, so both densities are bounded; λ beyond 40 carries negligible mass).
    const params = { r: 1.7, alpha: 3, a: 1.8, b: 4 };
    const t = 12;
    const steps = 1000;
    const lambdaMax = 40;
    const logB = lgamma(params.a) + lgamma(params.b) - lgamma(params.a + params.b);
    let total = 0;
    for (let i = 0; i < steps; i += 1) {
      const lambda = ((i + 0.5) / steps) * lambdaMax;
      const gammaWeight =
        Math.exp(params.r * Math.log(params.alpha) + (params.r - 1) * Math.log(lambda) - params.alpha * lambda - lgamma(params.r)) * (lambdaMax / steps);
      for (let j = 0; j < steps; j += 1) {
        const p = (j + 0.5) / steps;
        const betaWeight = Math.exp((params.a - 1) * Math.log(p) + (params.b - 1) * Math.log(1 - p) - logB) / steps;
        total += gammaWeight * betaWeight * ((1 - Math.exp(-lambda * p * t)) / p);
      }
    }
    expect(expectedTransactions(params, t)).toBeCloseTo(total, 2);
  });

  it('discounting with rate 0 sums to the undiscounted expectation; a positive rate lowers it', () => {
    const undiscounted = conditionalExpectedTransactions(CDNOW, 12, 3, 20, 30);
    expect(discountedExpectedTransactions(CDNOW, 12, 0, 3, 20, 30)).toBeCloseTo(undiscounted, 10);
    expect(discountedExpectedTransactions(CDNOW, 12, 0.01, 3, 20, 30)).toBeLessThan(undiscounted);
  });
});

describe('BG/NBD fit', () => {
  it('recovers known parameters from 20,000 simulated customers (each within 15 %)', () => {
    const truth = { r: 0.8, alpha: 4, a: 0.9, b: 3 };
    const data = simulateBgNbd(seededRandom(7), truth, 20_000, 12, 48);
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] / truth[key] - 1)).toBeLessThan(0.15);
    }
    // The optimum is at least as likely as the truth.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, data) - 1e-6);
  });
});

describe('compressSummary', () => {
  it('keeps the likelihood of day-resolution data exactly and the fit of continuous data closely', () => {
    const rng = seededRandom(21);
    const data = simulateBgNbd(rng, { r: 0.8, alpha: 4, a: 0.9, b: 3 }, 5000, 12, 48);
    // Already at whole days: grouping changes nothing but the row count.
    const day = 1 / 30.4375;
    const daily = { x: data.x, tx: data.tx.map((v) => Math.round(v / day) * day), T: data.T.map((v) => Math.round(v / day) * day) };
    const grouped = compressSummary(daily, day);
    expect(grouped.x.length).toBeLessThan(daily.x.length);
    expect(grouped.w!.reduce((s, v) => s + v, 0)).toBe(5000);
    const params = { r: 0.7, alpha: 3, a: 1.1, b: 2.5 };
    expect(bgnbdLogLikelihood(params, grouped)).toBeCloseTo(bgnbdLogLikelihood(params, daily), 6);
    const exact = fitBgNbd(data).params;
    const approx = fitBgNbd(compressSummary(data, day)).params;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(approx[k] / exact[k] - 1)).toBeLessThan(0.01);
  });
});
