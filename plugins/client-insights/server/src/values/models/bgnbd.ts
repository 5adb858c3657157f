import { minimise } from '../math/nelder-mead';
import { hyp2f1, lgamma } from '../math/special';

/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * A customer buys at Poisson rate λ ~ Gamma(r, α) while alive and drops out after each purchase
 * with probability p ~ Beta(a, b). Per customer: x = repeat purchases, tx = time of the last
 * purchase, T = age, all measured from the first purchase, in one time unit (months here).
 */
export type BgNbdParams = { r: number; alpha: number; a: number; b: number };
/** `w` (optional) weights each row: a row may stand for several identical customers (see compressSummary). */
export type RfmSummary = { x: Float64Array; tx: Float64Array; T: Float64Array; w?: Float64Array };

/**
 * Groups customers with the same x and the same tx and T rounded to `resolution` (e.g. one day in
 * months) into weighted rows: the likelihood is a sum over customers, so this changes it only by the
 * rounding, and a fit over 50k customers evaluates a few thousand distinct rows instead.
 */
export const compressSummary = (data: RfmSummary, resolution: number): RfmSummary => {
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < data.x.length; i += 1) {
    const rtx = data.x[i] > 0 ? Math.round(data.tx[i] / resolution) : 0;
    const rT = Math.round(data.T[i] / resolution);
    const key = `${data.x[i]}|${rtx}|${rT}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, x.length);
      x.push(data.x[i]);
      tx.push(rtx * resolution);
      T.push(rT * resolution);
      w.push(data.w ? data.w[i] : 1);
    } else {
      w[at] += data.w ? data.w[i] : 1;
    }
  }
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), w: Float64Array.from(w) };
};

/** Total log-likelihood, eq. (6) of the paper, written with the x-only terms grouped. */
export const bgnbdLogLikelihood = ({ r, alpha, a, b }: BgNbdParams, data: RfmSummary): number => {
  const { x, tx, T, w } = data;
  const n = x.length;
  const byX = new Map<number, number>();
  let customers = 0;
  for (let i = 0; i < n; i += 1) {
    const weight = w ? w[i] : 1;
    byX.set(x[i], (byX.get(x[i]) ?? 0) + weight);
    customers += weight;
  }
  // Terms that depend on x only: ln Γ(r+x) − ln Γ(r) + ln B(a, b+x) − ln B(a, b).
  const constant = new Map<number, number>();
  let total = customers * r * Math.log(alpha);
  for (const [xi, count] of byX) {
    const c = lgamma(r + xi) - lgamma(r) + lgamma(a + b) + lgamma(b + xi) - lgamma(b) - lgamma(a + b + xi);
    constant.set(xi, c);
    total += count * c;
  }
  const lnA = Math.log(a);
  for (let i = 0; i < n; i += 1) {
    const xi = x[i];
    const weight = w ? w[i] : 1;
    const a3 = -(r + xi) * Math.log(alpha + T[i]);
    if (xi > 0) {
      const a4 = lnA - Math.log(b + xi - 1) - (r + xi) * Math.log(alpha + tx[i]);
      const hi = Math.max(a3, a4);
      total += weight * (hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi)));
    } else {
      total += weight * a3;
    }
  }
  return total;
};

export const LOG_BOUND = 15;
export const FIT_OPTIONS = { maxIterations: 1500, tolerance: 1e-10 };

/** Maximum-likelihood fit by Nelder–Mead on the log-parameters. */
export const fitBgNbd = (data: RfmSummary, start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 }) => {
  const unpack = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]), alpha: Math.exp(v[1]), a: Math.exp(v[2]), b: Math.exp(v[3]) });
  // Mean log-likelihood keeps the tolerance meaningful whatever the sample size.
  const n = data.w ? data.w.reduce((s, v) => s + v, 0) : data.x.length;
  // Log-parameters are kept in [−LOG_BOUND, LOG_BOUND]: data without repeat purchases or dropout
  // drives the optimum to a boundary (a → 0, r, α → ∞), where the model is its NBD limit.
  const objective = (v: number[]) => (v.some((vi) => Math.abs(vi) > LOG_BOUND) ? Infinity : -bgnbdLogLikelihood(unpack(v), data) / n);
  const result = minimise(objective, [start.r, start.alpha, start.a, start.b].map(Math.log), FIT_OPTIONS, 2);
  return { params: unpack(result.x), logLikelihood: -result.fx * n, iterations: result.iterations, converged: result.converged };
};

/** The denominator shared by P(alive) and the conditional expectation: 1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+tx))^(r+x). */
const aliveOdds = ({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number) =>
  x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 0;

/** P(alive | x, tx, T), eq. (11) of the 2005 paper (with the 2008 note's δ(x>0)). */
export const probabilityAlive = (params: BgNbdParams, x: number, tx: number, T: number): number =>
  1 / (1 + aliveOdds(params, x, tx, T));

/** E[X(t)] for a customer just acquired, eq. (9). */
export const expectedTransactions = ({ r, alpha, a, b }: BgNbdParams, t: number): number =>
  ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));

/** E[Y(t) | x, tx, T]: expected purchases in the next t time units, eq. (10). */
export const conditionalExpectedTransactions = (params: BgNbdParams, t: number, x: number, tx: number, T: number): number => {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const base = alpha + T;
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (base + t));
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(base / (base + t), r + x) * hyp);
  return numerator / (1 + aliveOdds(params, x, tx, T));
};

/**
 * Discounted expected purchases over `horizon` whole periods: Σ_i (E[Y(i)] − E[Y(i−1)]) / (1+d)^i,
 * i.e. each period's expected purchases discounted at the per-period rate d.
 */
export const discountedExpectedTransactions = (
  params: BgNbdParams,
  horizon: number,
  discountRate: number,
  x: number,
  tx: number,
  T: number
): number => {
  let previous = 0;
  let total = 0;
  for (let i = 1; i <= horizon; i += 1) {
    const cumulative = conditionalExpectedTransactions(params, i, x, tx, T);
    total += (cumulative - previous) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return total;
};
