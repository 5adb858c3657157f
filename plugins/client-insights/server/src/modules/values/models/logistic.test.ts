import { seededRandom } from '../math/random';
import { auc, logLoss, predictAll, trainLogistic, type Dataset } from './logistic';

const simulate = (seed: number, rows: number, weights: number[], intercept: number): Dataset => {
  const rng = seededRandom(seed);
  const d = weights.length;
  const X = new Float64Array(rows * d);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i += 1) {
    let z = intercept;
    for (let j = 0; j < d; j += 1) {
      // Mixed scales (counts, amounts) to exercise the standardisation.
      X[i * d + j] = rng.normal() * (j + 1) * 10 + j * 100;
      z += (weights[j] * (X[i * d + j] - j * 100)) / ((j + 1) * 10);
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y, rows, features: d };
};

describe('auc', () => {
  it('is 1 for a perfect ranking, 0.5 for ties, and counts ties as half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // pairs (pos,neg): (0.8,0.1)=1 (0.8,0.8)=0.5 (0.3,0.1)=1 (0.3,0.8)=0 → 2.5/4
    expect(auc([0.1, 0.8, 0.8, 0.3], [0, 0, 1, 1])).toBe(0.625);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe('logistic regression', () => {
  it('recovers the direction of known weights and beats the base rate on a later holdout', () => {
    const weights = [1.5, -1, 0, 0.5];
    const train = simulate(3, 5000, weights, -1);
    const holdout = simulate(4, 5000, weights, -1);
    const model = trainLogistic(train, { lambda: 1 });
    expect(model.weights[0]).toBeGreaterThan(1.2);
    expect(model.weights[1]).toBeLessThan(-0.8);
    expect(Math.abs(model.weights[2])).toBeLessThan(0.15);
    const p = predictAll(model, holdout);
    expect(auc(p, holdout.y)).toBeGreaterThan(0.75);
    const baseRate = train.y.reduce((s, v) => s + v, 0) / train.rows;
    expect(logLoss(p, holdout.y)).toBeLessThan(logLoss(new Float64Array(holdout.rows).fill(baseRate), holdout.y) - 0.05);
  });

  it('gives AUC near 0.5 when the features carry no signal', () => {
    const model = trainLogistic(simulate(5, 3000, [0, 0, 0], 0));
    const p = predictAll(model, simulate(6, 3000, [0, 0, 0], 0));
    expect(Math.abs(auc(p, simulate(6, 3000, [0, 0, 0], 0).y) - 0.5)).toBeLessThan(0.05);
  });

  it('a large penalty shrinks the weights toward zero', () => {
    const data = simulate(7, 2000, [2, 0], 0);
    expect(Math.abs(trainLogistic(data, { lambda: 1e5 }).weights[0])).toBeLessThan(Math.abs(trainLogistic(data, { lambda: 0.01 }).weights[0]) / 5);
  });
});
