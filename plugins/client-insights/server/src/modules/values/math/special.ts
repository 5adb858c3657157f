/**
 * Special functions the value models need, written out so the fits run in Node with no
 * numeric dependency: log-gamma (Lanczos, g = 7, n = 9; ~15 significant digits for x > 0)
 * and the Gauss hypergeometric series 2F1 for |z| < 1.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (reflection below 0.5 keeps the Lanczos sum accurate). */
export const lgamma = (x: number): number => {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i += 1) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
};

/** ln B(a, b). */
export const lbeta = (a: number, b: number): number => lgamma(a) + lgamma(b) - lgamma(a + b);

/**
 * 2F1(a, b; c; z) by its power series, for 0 <= z < 1 and c > 0 (the only range the BG/NBD
 * formulas use: z = t / (α + T + t)). Terms are summed until they stop changing the sum;
 * throws rather than return a silently wrong value if that takes more than `maxTerms`.
 */
export const hyp2f1 = (a: number, b: number, c: number, z: number, maxTerms = 200_000): number => {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must be in [0, 1), got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k += 1) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  throw new Error(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
};
