/**
 * Nelder–Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction
 * 0.5, shrink 0.5). The value models minimise a negative log-likelihood over log-parameters, so
 * the search is unconstrained and the parameters stay positive.
 */
export type NelderMeadOptions = { maxIterations?: number; tolerance?: number; step?: number };
export type NelderMeadResult = { x: number[]; fx: number; iterations: number; converged: boolean };

export const nelderMead = (f: (x: number[]) => number, start: number[], options: NelderMeadOptions = {}): NelderMeadResult => {
  const { maxIterations = 5000, tolerance = 1e-10, step = 0.5 } = options;
  const n = start.length;
  // Non-finite values (overflow far from the optimum) count as +∞ so the simplex moves away.
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex: Array<{ x: number[]; fx: number }> = [{ x: [...start], fx: value(start) }];
  for (let i = 0; i < n; i += 1) {
    const x = [...start];
    x[i] += step;
    simplex.push({ x, fx: value(x) });
  }
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i] - ai));
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.fx - best.fx) <= tolerance * (Math.abs(best.fx) + tolerance) && Number.isFinite(worst.fx)) {
      return { x: best.x, fx: best.fx, iterations, converged: true };
    }
    const centroid = new Array(n).fill(0);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) centroid[j] += simplex[i].x[j] / n;
    const reflected = combine(centroid, worst.x, -1);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
      continue;
    }
    if (fr < simplex[n - 1].fx) {
      simplex[n] = { x: reflected, fx: fr };
      continue;
    }
    const outside = fr < worst.fx;
    const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : worst.fx)) {
      simplex[n] = { x: contracted, fx: fc };
      continue;
    }
    simplex = simplex.map((p, i) => (i === 0 ? p : { x: combine(best.x, p.x, 0.5), fx: NaN }));
    for (let i = 1; i <= n; i += 1) simplex[i].fx = value(simplex[i].x);
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { x: simplex[0].x, fx: simplex[0].fx, iterations, converged: false };
};

/** Restarts from the previous optimum until two runs agree: guards against a collapsed simplex. */
export const minimise = (f: (x: number[]) => number, start: number[], options: NelderMeadOptions = {}, restarts = 3): NelderMeadResult => {
  let result = nelderMead(f, start, options);
  let total = result.iterations;
  let agreed = false;
  for (let i = 0; i < restarts; i += 1) {
    const again = nelderMead(f, result.x, { ...options, step: 0.1 });
    total += again.iterations;
    const improved = result.fx - again.fx;
    result = again.fx <= result.fx ? again : result;
    // A fresh simplex started at the optimum cannot improve it: converged, even on a flat ridge
    // where the iteration cap stopped the simplex before it shrank below the tolerance.
    if (improved <= 1e-9 * (Math.abs(result.fx) + 1)) {
      agreed = true;
      break;
    }
  }
  return { ...result, iterations: total, converged: result.converged || agreed };
};
