import type { Random } from '../math/random';
import type { BgNbdParams, RfmSummary } from './bgnbd';
import type { GammaGammaParams } from './gamma-gamma';

/**
 * Customers drawn from the models' own generative stories, for parameter-recovery tests and the
 * benchmark's synthetic checks. Ages T are uniform in [minT, maxT].
 */
export const simulateBgNbd = (rng: Random, params: BgNbdParams, n: number, minT: number, maxT: number): RfmSummary => {
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const lambda = rng.gamma(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    const age = minT + (maxT - minT) * rng.uniform();
    let t = 0;
    let count = 0;
    let last = 0;
    // Alive at the first purchase; after each repeat purchase the customer drops out with probability p.
    for (;;) {
      t += rng.exponential(lambda);
      if (t > age) break;
      count += 1;
      last = t;
      if (rng.uniform() < p) break;
    }
    x[i] = count;
    tx[i] = last;
    T[i] = age;
  }
  return { x, tx, T };
};

/** Mean transaction value for each customer with x[i] repeat transactions (0 when x[i] = 0). */
export const simulateSpend = (rng: Random, params: GammaGammaParams, x: Float64Array): Float64Array => {
  const m = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += 1) {
    if (x[i] <= 0) continue;
    const nu = rng.gamma(params.q, params.gamma);
    let sum = 0;
    for (let k = 0; k < x[i]; k += 1) sum += rng.gamma(params.p, nu);
    m[i] = sum / x[i];
  }
  return m;
};
