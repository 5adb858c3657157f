import { minimise } from '../math/nelder-mead';
import { lgamma } from '../math/special';
import { FIT_OPTIONS, LOG_BOUND } from './bgnbd';

/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value").
 * A transaction's value z ~ Gamma(p, ν) with the customer's ν ~ Gamma(q, γ); fitted on customers
 * with x ≥ 1 repeat transactions whose mean value is m.
 */
export type GammaGammaParams = { p: number; q: number; gamma: number };
export type SpendSummary = { x: Float64Array; m: Float64Array };

export const gammaGammaLogLikelihood = ({ p, q, gamma }: GammaGammaParams, data: SpendSummary): number => {
  const { x, m } = data;
  let total = 0;
  const cache = new Map<number, number>();
  const lq = lgamma(q);
  const qLogGamma = q * Math.log(gamma);
  for (let i = 0; i < x.length; i += 1) {
    const xi = x[i];
    if (!(xi > 0)) continue;
    let c = cache.get(xi);
    if (c === undefined) {
      // Terms in x only: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + px·ln x.
      c = lgamma(p * xi + q) - lgamma(p * xi) - lq + p * xi * Math.log(xi);
      cache.set(xi, c);
    }
    total += c + qLogGamma + (p * xi - 1) * Math.log(m[i]) - (p * xi + q) * Math.log(gamma + xi * m[i]);
  }
  return total;
};

export const fitGammaGamma = (data: SpendSummary, start: GammaGammaParams = { p: 1, q: 2, gamma: 1 }) => {
  let n = 0;
  let meanSpend = 0;
  for (let i = 0; i < data.x.length; i += 1) {
    if (data.x[i] > 0) {
      n += 1;
      meanSpend += data.m[i];
    }
  }
  meanSpend /= Math.max(n, 1);
  // γ scales with the currency; start it at the mean spend so one unit of log-step is sensible.
  const initial = [start.p, start.q, start.gamma * Math.max(meanSpend, 1e-9)].map(Math.log);
  const unpack = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) });
  const objective = (v: number[]) =>
    v.some((vi) => Math.abs(vi) > LOG_BOUND + Math.abs(initial[2])) ? Infinity : -gammaGammaLogLikelihood(unpack(v), data) / Math.max(n, 1);
  const result = minimise(objective, initial, FIT_OPTIONS, 2);
  return { params: unpack(result.x), logLikelihood: -result.fx * n, customers: n, converged: result.converged };
};

/** E[M | x, m] = (p(γ + x·m)) / (p·x + q − 1), eq. (5); the population mean pγ/(q−1) when x = 0. Needs q > 1. */
export const conditionalExpectedSpend = ({ p, q, gamma }: GammaGammaParams, x: number, m: number): number =>
  x > 0 ? (p * (gamma + x * m)) / (p * x + q - 1) : (p * gamma) / (q - 1);
