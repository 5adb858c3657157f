import { minimise, nelderMead } from './nelder-mead';

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic', () => {
    const r = nelderMead(([x, y]) => (x - 3) ** 2 + 10 * (y + 1) ** 2, [0, 0]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(3, 4);
    expect(r.x[1]).toBeCloseTo(-1, 4);
  });
  it('minimises the Rosenbrock function in 4 dimensions', () => {
    const rosen = (x: number[]) => x.slice(0, -1).reduce((s, xi, i) => s + 100 * (x[i + 1] - xi * xi) ** 2 + (1 - xi) ** 2, 0);
    const r = minimise(rosen, [-1.2, 1, -0.5, 0.8], { maxIterations: 20000, tolerance: 1e-14 });
    for (const xi of r.x) expect(xi).toBeCloseTo(1, 3);
  });
  it('treats non-finite values as +∞ instead of stopping there', () => {
    // Starts at the edge: the first reflections land where f is NaN.
    const r = nelderMead(([x, y]) => (x < 0 || y < 0 ? NaN : (x - 2) ** 2 + (y - 0.1) ** 2), [0.05, 0.05], { step: 1 });
    expect(r.x[0]).toBeCloseTo(2, 4);
    expect(r.x[1]).toBeCloseTo(0.1, 4);
  });
});
