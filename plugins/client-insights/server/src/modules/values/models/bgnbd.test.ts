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

describe('BG/NBD likelihood', () => {
  it('is exact at the no-dropout boundary: with a / b → 0 it equals the NBD likelihood', () => {
    // Data without dropout drives fits to a → 0, b → ∞ (seen on the benchmark data: b ≈ 10⁶). There
    // the x-only terms must not be differences of lgamma values of ~10¹⁰, which keep ~6 digits: that
    // noise (≫ 1e-6 here) stalled the fit for thousands of evaluations.
    const data = simulateBgNbd(seededRandom(3), { r: 0.8, alpha: 4, a: 0.9, b: 3 }, 1000, 12, 48);
    const r = 0.8;
    const alpha = 4;
    let nbd = 0;
    for (let i = 0; i < data.x.length; i += 1) {
      const x = data.x[i];
      nbd += lgamma(r + x) - lgamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + data.T[i]);
    }
    expect(Math.abs(bgnbdLogLikelihood({ r, alpha, a: 1e-9, b: 1e9 }, data) - nbd)).toBeLessThan(1e-6);
  });

  it('groups customers without changing the value: equals eq. (6) summed customer by customer', () => {
    const data = simulateBgNbd(seededRandom(5), { r: 0.8, alpha: 4, a: 0.9, b: 3 }, 2000, 12, 48);
    const p = { r: 0.7, alpha: 3, a: 1.1, b: 2.5 };
    let direct = 0;
    for (let i = 0; i < data.x.length; i += 1) {
      const [x, tx, T] = [data.x[i], data.tx[i], data.T[i]];
      const A1 = lgamma(p.r + x) - lgamma(p.r) + p.r * Math.log(p.alpha);
      const A2 = lgamma(p.a + p.b) + lgamma(p.b + x) - lgamma(p.b) - lgamma(p.a + p.b + x);
      const A3 = -(p.r + x) * Math.log(p.alpha + T);
      const A4 = x > 0 ? Math.log(p.a) - Math.log(p.b + x - 1) - (p.r + x) * Math.log(p.alpha + tx) : -Infinity;
      direct += A1 + A2 + Math.log(Math.exp(A3) + Math.exp(A4));
    }
    expect(bgnbdLogLikelihood(p, data)).toBeCloseTo(direct, 6);
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

describe('BG/NBD fit at the no-dropout limit', () => {
  it('converges in a few hundred iterations on Poisson purchasers (no heterogeneity, no dropout)', () => {
    // The optimum is at the boundary (r, α → ∞, a → 0), where a likelihood computed with large
    // cancelling terms was noisy and the simplex ran out its 3,000 iterations (21 s) to a worse point.
    const data = simulateBgNbd(seededRandom(1), { r: 1e5, alpha: 6.5e6, a: 1e-6, b: 1e6 }, 30_000, 0.5, 36);
    const fit = fitBgNbd(compressSummary(data, 1 / 30.4375));
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(1000);
    // The purchase rate r / α is recovered (0.0154 per month).
    expect(Math.abs(fit.params.r / fit.params.alpha / (1e5 / 6.5e6) - 1)).toBeLessThan(0.05);
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
