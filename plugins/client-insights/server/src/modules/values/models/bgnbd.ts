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

/**
 * ln Γ(c+x) − ln Γ(c) = Σ_{k<x} ln(c+k) for a whole number x (repeat purchases always are). The
 * sum is exact where the lgamma difference is not: near the no-dropout boundary b grows to ~10⁶,
 * ln Γ(b) to ~10⁷, and the difference of two such values keeps only ~8 digits — noise that a
 * tolerance of 1e-10 on the likelihood cannot see through, so the simplex stalled for thousands of
 * evaluations. Non-integer x (never from the SQL summary) falls back to lgamma.
 */
const logRising = (c: number, x: number): number => {
  if (!Number.isInteger(x)) return lgamma(c + x) - lgamma(c);
  let sum = 0;
  for (let k = 0; k < x; k += 1) sum += Math.log(c + k);
  return sum;
};

/** ln B(a, b+x) − ln B(a, b) = Σ_{k<x} ln((b+k)/(a+b+k)) = −Σ log1p(a/(b+k)), accurate for a ≪ b (see logRising). */
const logBetaRatio = (a: number, b: number, x: number): number => {
  if (!Number.isInteger(x)) return lgamma(b + x) - lgamma(b) - lgamma(a + b + x) + lgamma(a + b);
  let sum = 0;
  for (let k = 0; k < x; k += 1) sum -= Math.log1p(a / (b + k));
  return sum;
};

/** Distinct values of a column, each row mapped to its value's index. */
const distinctValues = (column: ArrayLike<number>, keep: (i: number) => boolean = () => true) => {
  const index = new Map<number, number>();
  const values: number[] = [];
  const of = new Int32Array(column.length).fill(-1);
  for (let i = 0; i < column.length; i += 1) {
    if (!keep(i)) continue;
    let k = index.get(column[i]);
    if (k === undefined) {
      k = values.length;
      index.set(column[i], k);
      values.push(column[i]);
    }
    of[i] = k;
  }
  return { values: Float64Array.from(values), of };
};

/**
 * The total log-likelihood of `data`, eq. (6) of the paper, as a function of the parameters: a fit
 * evaluates it a thousand times, so everything that does not depend on the parameters is grouped
 * once here. Per evaluation, the terms in T and tx are computed once per distinct T / tx (customers
 * share them: days since the first purchase), the x-only terms once per distinct x, and customers
 * without a repeat purchase are summed per distinct T beforehand.
 *
 * Written so that no two large terms cancel: eq. (6) has r·ln α − (r+x)·ln(α+T), two numbers of
 * ~5·10⁵ per customer where the fit runs to its no-dropout limit (r, α → ∞, seen on the benchmark
 * data), whose difference is ~1. Here r·ln α is folded into A₃ and A₄ as −r·log1p(T/α) − x·ln(α+T)
 * (and the same with tx), so the value keeps its digits and the simplex its tolerance.
 */
export const logLikelihoodOf = (data: RfmSummary): ((params: BgNbdParams) => number) => {
  const { x, tx, T, w } = data;
  const n = x.length;
  const weight = (i: number) => (w ? w[i] : 1);
  const ages = distinctValues(T);
  const lastAt = distinctValues(tx, (i) => x[i] > 0);
  const counts = distinctValues(x);
  const customersByX = new Float64Array(counts.values.length);
  const noRepeatByAge = new Float64Array(ages.values.length);
  const repeaters: number[] = [];
  for (let i = 0; i < n; i += 1) {
    customersByX[counts.of[i]] += weight(i);
    if (x[i] > 0) repeaters.push(i);
    else noRepeatByAge[ages.of[i]] += weight(i);
  }
  const rows = repeaters.length;
  const rowX = Float64Array.from(repeaters, (i) => x[i]);
  const rowW = Float64Array.from(repeaters, weight);
  const rowCount = Int32Array.from(repeaters, (i) => counts.of[i]);
  const rowAge = Int32Array.from(repeaters, (i) => ages.of[i]);
  const rowLast = Int32Array.from(repeaters, (i) => lastAt.of[i]);
  // ln(α + v) and log1p(v / α) = ln(α + v) − ln α, per distinct T and tx.
  const lnT = new Float64Array(ages.values.length);
  const relT = new Float64Array(ages.values.length);
  const lnTx = new Float64Array(lastAt.values.length);
  const relTx = new Float64Array(lastAt.values.length);
  const lnBx = new Float64Array(counts.values.length);

  return ({ r, alpha, a, b }) => {
    for (let k = 0; k < ages.values.length; k += 1) {
      lnT[k] = Math.log(alpha + ages.values[k]);
      relT[k] = Math.log1p(ages.values[k] / alpha);
    }
    for (let k = 0; k < lastAt.values.length; k += 1) {
      lnTx[k] = Math.log(alpha + lastAt.values[k]);
      relTx[k] = Math.log1p(lastAt.values[k] / alpha);
    }
    // Terms that depend on x only: ln Γ(r+x) − ln Γ(r) + ln B(a, b+x) − ln B(a, b).
    let total = 0;
    for (let k = 0; k < counts.values.length; k += 1) {
      const xk = counts.values[k];
      total += customersByX[k] * (logRising(r, xk) + logBetaRatio(a, b, xk));
      lnBx[k] = Math.log(b + xk - 1);
    }
    // x = 0: r·ln α + A₃ = −r·log1p(T/α).
    for (let k = 0; k < ages.values.length; k += 1) total -= noRepeatByAge[k] * r * relT[k];
    const lnA = Math.log(a);
    for (let j = 0; j < rows; j += 1) {
      const xj = rowX[j];
      const a3 = -r * relT[rowAge[j]] - xj * lnT[rowAge[j]];
      const a4 = lnA - lnBx[rowCount[j]] - r * relTx[rowLast[j]] - xj * lnTx[rowLast[j]];
      // ln(e^a3 + e^a4), without overflow.
      total += rowW[j] * (a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4)));
    }
    return total;
  };
};

/** Total log-likelihood, eq. (6) of the paper (see logLikelihoodOf). */
export const bgnbdLogLikelihood = (params: BgNbdParams, data: RfmSummary): number => logLikelihoodOf(data)(params);

export const LOG_BOUND = 15;
export const FIT_OPTIONS = { maxIterations: 1500, tolerance: 1e-10 };

/** Maximum-likelihood fit by Nelder–Mead on the log-parameters. */
export const fitBgNbd = (data: RfmSummary, start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 }) => {
  const unpack = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]), alpha: Math.exp(v[1]), a: Math.exp(v[2]), b: Math.exp(v[3]) });
  // Mean log-likelihood keeps the tolerance meaningful whatever the sample size.
  const n = data.w ? data.w.reduce((s, v) => s + v, 0) : data.x.length;
  // Log-parameters are kept in [−LOG_BOUND, LOG_BOUND]: data without repeat purchases or dropout
  // drives the optimum to a boundary (a → 0, r, α → ∞), where the model is its NBD limit.
  const logLikelihood = logLikelihoodOf(data);
  const objective = (v: number[]) => (v.some((vi) => Math.abs(vi) > LOG_BOUND) ? Infinity : -logLikelihood(unpack(v)) / n);
  const result = minimise(objective, [start.r, start.alpha, start.a, start.b].map(Math.log), FIT_OPTIONS, 2);
  return { params: unpack(result.x), logLikelihood: -result.fx * n, iterations: result.iterations, converged: result.converged };
};

/** The denominator shared by P(alive) and the conditional expectation: 1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+tx))^(r+x). */
const aliveOdds = ({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number) =>
  x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 0;

/** P(alive | x, tx, T), eq. (11) of the 2005 paper (with the 2008 note's δ(x>0)). */
export const probabilityAlive = (params: BgNbdParams, x: number, tx: number, T: number): number => 1 / (1 + aliveOdds(params, x, tx, T));

/** E[X(t)] for a customer just acquired, eq. (9). */
export const expectedTransactions = ({ r, alpha, a, b }: BgNbdParams, t: number): number =>
  ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));

/** The numerator of eq. (10): E[Y(t) | x, tx, T] times 1 + aliveOdds. */
const conditionalNumerator = ({ r, alpha, a, b }: BgNbdParams, t: number, x: number, T: number): number => {
  const base = alpha + T;
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (base + t));
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(base / (base + t), r + x) * hyp);
};

/** E[Y(t) | x, tx, T]: expected purchases in the next t time units, eq. (10). */
export const conditionalExpectedTransactions = (params: BgNbdParams, t: number, x: number, tx: number, T: number): number => {
  if (t <= 0) return 0;
  return conditionalNumerator(params, t, x, T) / (1 + aliveOdds(params, x, tx, T));
};

/**
 * Discounted expected purchases over `horizon` whole periods: Σ_i (E[Y(i)] − E[Y(i−1)]) / (1+d)^i,
 * i.e. each period's expected purchases discounted at the per-period rate d. The denominator of
 * eq. (10) does not depend on the period: computed once per customer.
 */
export const discountedExpectedTransactions = (params: BgNbdParams, horizon: number, discountRate: number, x: number, tx: number, T: number): number => {
  const denominator = 1 + aliveOdds(params, x, tx, T);
  let previous = 0;
  let total = 0;
  for (let i = 1; i <= horizon; i += 1) {
    const cumulative = conditionalNumerator(params, i, x, T) / denominator;
    total += (cumulative - previous) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return total;
};
