import { seededRandom } from '../math/random';
import { conditionalExpectedSpend, fitGammaGamma } from './gamma-gamma';
import { simulateSpend } from './simulate';

describe('Gamma-Gamma', () => {
  it('recovers known parameters from 20,000 simulated customers (p, q within 15 %, γ within 25 %)', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const rng = seededRandom(11);
    const x = new Float64Array(20_000).map(() => 1 + Math.floor(rng.uniform() * 8));
    const m = simulateSpend(rng, truth, x);
    const fit = fitGammaGamma({ x, m });
    expect(fit.customers).toBe(20_000);
    expect(Math.abs(fit.params.p / truth.p - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.q / truth.q - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.gamma / truth.gamma - 1)).toBeLessThan(0.25);
  });

  it('the conditional expectation shrinks a customer mean toward the population mean (hand computed)', () => {
    const params = { p: 6, q: 4, gamma: 15 };
    // Population mean pγ/(q−1) = 90/3 = 30; x=2, m=60: 6(15+120)/(12+3) = 810/15 = 54.
    expect(conditionalExpectedSpend(params, 0, 0)).toBeCloseTo(30, 10);
    expect(conditionalExpectedSpend(params, 2, 60)).toBeCloseTo(54, 10);
  });
});
