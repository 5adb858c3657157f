/**
 * Exponential smoothing, pure (no I/O): Holt's linear trend, and Holt-Winters with additive
 * seasonality when the series holds at least two seasons (Hyndman & Athanasopoulos, *Forecasting:
 * Principles and Practice*, §8.2 and §8.3). Parameters are picked from GRID by the least sum of
 * squared one-step errors; the band is ±1.96 σ √h, σ the root mean squared one-step error (the
 * band of a random walk's h-step forecast: it widens with the horizon).
 */

/** Candidate smoothing parameters (each of α, β, γ). */
export const GRID = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9] as const;
export const Z95 = 1.96;

export type Params = { alpha: number; beta: number; gamma: number | null; season: number | null };
/** A fit: one-step errors (from the first forecastable point on) and the state to forecast from. */
export type Fit = { sse: number; errors: number[]; level: number; trend: number; seasonals: number[]; n: number; params: Params };

/**
 * Holt's linear trend. Start: level y₀, trend y₁ − y₀. For t ≥ 1 the one-step forecast is
 * ℓₜ₋₁ + bₜ₋₁; then ℓₜ = α yₜ + (1 − α)(ℓₜ₋₁ + bₜ₋₁), bₜ = β (ℓₜ − ℓₜ₋₁) + (1 − β) bₜ₋₁.
 * Errors are counted from t = 2 (the forecast of y₁ is y₁ by construction).
 */
export const holt = (y: number[], alpha: number, beta: number): Fit => {
  let level = y[0];
  let trend = y[1] - y[0];
  const errors: number[] = [];
  for (let t = 1; t < y.length; t += 1) {
    const forecast = level + trend;
    if (t >= 2) errors.push(y[t] - forecast);
    const previous = level;
    level = alpha * y[t] + (1 - alpha) * (level + trend);
    trend = beta * (level - previous) + (1 - beta) * trend;
  }
  return { sse: sum(errors.map((e) => e * e)), errors, level, trend, seasonals: [], n: y.length, params: { alpha, beta, gamma: null, season: null } };
};

/**
 * Holt-Winters, additive seasons of length m (needs n ≥ 2m). Start: ℓ = mean of the first season,
 * b = (mean of the second season − mean of the first) / m, sᵢ = yᵢ − ℓ for the first season.
 * For t ≥ m: forecast ℓ + b + sₜ₋ₘ; ℓₜ = α (yₜ − sₜ₋ₘ) + (1 − α)(ℓₜ₋₁ + bₜ₋₁),
 * bₜ = β (ℓₜ − ℓₜ₋₁) + (1 − β) bₜ₋₁, sₜ = γ (yₜ − ℓₜ) + (1 − γ) sₜ₋ₘ.
 */
export const holtWinters = (y: number[], m: number, alpha: number, beta: number, gamma: number): Fit => {
  const first = mean(y.slice(0, m));
  let level = first;
  let trend = (mean(y.slice(m, 2 * m)) - first) / m;
  const seasonals = y.slice(0, m).map((v) => v - first);
  const errors: number[] = [];
  for (let t = m; t < y.length; t += 1) {
    const s = seasonals[t - m];
    errors.push(y[t] - (level + trend + s));
    const previous = level;
    level = alpha * (y[t] - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - previous) + (1 - beta) * trend;
    seasonals.push(gamma * (y[t] - level) + (1 - gamma) * s);
  }
  return { sse: sum(errors.map((e) => e * e)), errors, level, trend, seasonals, n: y.length, params: { alpha, beta, gamma, season: m } };
};

/** The fit of least SSE over the grid (the first one on ties); Holt-Winters when there are two seasons, else Holt; null below 3 points. */
export const bestFit = (y: number[], season: number): Fit | null => {
  if (y.length < 3) return null;
  const seasonal = season >= 2 && y.length >= 2 * season;
  let best: Fit | null = null;
  for (const alpha of GRID) {
    for (const beta of GRID) {
      for (const gamma of seasonal ? GRID : [null]) {
        const fit = gamma === null ? holt(y, alpha, beta) : holtWinters(y, season, alpha, beta, gamma);
        if (!best || fit.sse < best.sse) best = fit;
      }
    }
  }
  return best;
};

/** The h-step forecast (h = 1, 2, …) from a fit. */
export const forecastAt = (fit: Fit, h: number): number => {
  const m = fit.params.season;
  if (!m) return fit.level + h * fit.trend;
  // The latest seasonal of the same phase: index n − m + ((h − 1) mod m).
  return fit.level + h * fit.trend + fit.seasonals[fit.n - m + ((h - 1) % m)];
};

/** Root mean squared one-step error (0 when there is none). */
export const residualSd = (fit: Fit) => (fit.errors.length ? Math.sqrt(fit.sse / fit.errors.length) : 0);

export type ForecastPoint = { value: number; lower: number; upper: number };

/** k forecasts with their 95 % band ±1.96 σ √h; figures that cannot be negative are clamped at 0. */
export const forecastPoints = (fit: Fit, k: number): ForecastPoint[] => {
  const sd = residualSd(fit);
  return Array.from({ length: k }, (_, i) => {
    const h = i + 1;
    const value = forecastAt(fit, h);
    const half = Z95 * sd * Math.sqrt(h);
    return { value: Math.max(0, value), lower: Math.max(0, value - half), upper: Math.max(0, value + half) };
  });
};

/**
 * Backtest: fit (grid again) on all but the last `heldOut` points, forecast them, and score.
 * MAE = mean |actual − forecast|; MAPE = mean |actual − forecast| / |actual| over actuals ≠ 0
 * (null when every held-out actual is 0). Null when the shortened series is too short to fit.
 */
export const backtest = (y: number[], season: number, heldOut: number): { heldOut: number; mae: number; mape: number | null } | null => {
  if (heldOut < 1 || y.length - heldOut < 3) return null;
  const fit = bestFit(y.slice(0, y.length - heldOut), season);
  if (!fit) return null;
  const actual = y.slice(y.length - heldOut);
  const predicted = actual.map((_, i) => Math.max(0, forecastAt(fit, i + 1)));
  const abs = actual.map((a, i) => Math.abs(a - predicted[i]));
  const relative = actual.flatMap((a, i) => (a === 0 ? [] : [abs[i] / Math.abs(a)]));
  return { heldOut, mae: mean(abs), mape: relative.length ? mean(relative) : null };
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : 0);
