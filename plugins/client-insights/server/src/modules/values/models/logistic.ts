/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS), features standardised
 * first so one penalty λ fits all of them; the intercept is not penalised. Rows are stored
 * flat (row-major Float64Array), so a million rows of ten features stay ~80 MB.
 */
export type Dataset = { X: Float64Array; y: Uint8Array; rows: number; features: number };
export type LogisticModel = { intercept: number; weights: number[]; mean: number[]; scale: number[]; iterations: number };

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A v = b for a symmetric positive-definite A (Cholesky); A is overwritten. */
const solveSpd = (A: number[][], b: number[]): number[] => {
  const n = b.length;
  for (let j = 0; j < n; j += 1) {
    let d = A[j][j];
    for (let k = 0; k < j; k += 1) d -= A[j][k] * A[j][k];
    if (!(d > 0)) throw new Error('logistic: Hessian is not positive definite');
    A[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i += 1) {
      let s = A[i][j];
      for (let k = 0; k < j; k += 1) s -= A[i][k] * A[j][k];
      A[i][j] = s / A[j][j];
    }
  }
  const z = new Array(n).fill(0);
  for (let i = 0; i < n; i += 1) {
    let s = b[i];
    for (let k = 0; k < i; k += 1) s -= A[i][k] * z[k];
    z[i] = s / A[i][i];
  }
  const v = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i -= 1) {
    let s = z[i];
    for (let k = i + 1; k < n; k += 1) s -= A[k][i] * v[k];
    v[i] = s / A[i][i];
  }
  return v;
};

export const trainLogistic = (data: Dataset, { lambda = 1, maxIterations = 25, tolerance = 1e-8 } = {}): LogisticModel => {
  const { X, y, rows, features: d } = data;
  if (rows === 0) throw new Error('logistic: no training rows');
  const mean = new Array(d).fill(0);
  const scale = new Array(d).fill(0);
  for (let i = 0; i < rows; i += 1) for (let j = 0; j < d; j += 1) mean[j] += X[i * d + j] / rows;
  for (let i = 0; i < rows; i += 1) for (let j = 0; j < d; j += 1) scale[j] += (X[i * d + j] - mean[j]) ** 2 / rows;
  for (let j = 0; j < d; j += 1) scale[j] = Math.sqrt(scale[j]) || 1;
  // beta[0] is the intercept, beta[1..d] the standardised weights.
  const beta = new Array(d + 1).fill(0);
  const row = new Array(d + 1).fill(1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    const gradient = beta.map((b, j) => (j === 0 ? 0 : lambda * b));
    const hessian = beta.map((_, j) => beta.map((__, k) => (j === k && j > 0 ? lambda : 0)));
    for (let i = 0; i < rows; i += 1) {
      let z = beta[0];
      for (let j = 0; j < d; j += 1) {
        row[j + 1] = (X[i * d + j] - mean[j]) / scale[j];
        z += beta[j + 1] * row[j + 1];
      }
      const p = sigmoid(z);
      const w = Math.max(p * (1 - p), 1e-12);
      const r = p - y[i];
      for (let j = 0; j <= d; j += 1) {
        gradient[j] += r * row[j];
        for (let k = 0; k <= j; k += 1) hessian[j][k] += w * row[j] * row[k];
      }
    }
    for (let j = 0; j <= d; j += 1) for (let k = j + 1; k <= d; k += 1) hessian[j][k] = hessian[k][j];
    const step = solveSpd(hessian, gradient);
    let change = 0;
    for (let j = 0; j <= d; j += 1) {
      beta[j] -= step[j];
      change = Math.max(change, Math.abs(step[j]));
    }
    if (change < tolerance) {
      iterations += 1;
      break;
    }
  }
  return { intercept: beta[0], weights: beta.slice(1), mean, scale, iterations };
};

export const predictLogistic = (model: LogisticModel, features: ArrayLike<number>, offset = 0): number => {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j += 1) z += (model.weights[j] * (features[offset + j] - model.mean[j])) / model.scale[j];
  return sigmoid(z);
};

export const predictAll = (model: LogisticModel, data: Dataset): Float64Array => {
  const out = new Float64Array(data.rows);
  for (let i = 0; i < data.rows; i += 1) out[i] = predictLogistic(model, data.X, i * data.features);
  return out;
};

/** Area under the ROC curve (Mann–Whitney U with mid-ranks for tied scores); NaN with one class only. */
export const auc = (scores: ArrayLike<number>, labels: ArrayLike<number>): number => {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) {
      if (labels[order[k]]) {
        positives += 1;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
};

/** Mean log loss; compared with the base-rate predictor to show a model carries information. */
export const logLoss = (probabilities: ArrayLike<number>, labels: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const p = Math.min(Math.max(probabilities[i], 1e-12), 1 - 1e-12);
    total -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return total / labels.length;
};
