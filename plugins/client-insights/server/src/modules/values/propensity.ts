import { auc, logLoss, predictAll, trainLogistic, type Dataset, type LogisticModel } from './models/logistic';

/**
 * Renewal and upsell propensity: logistic regression (L2, IRLS) on the features of features-sql.ts.
 * The model is trained on features at t₁ = now − 2w with labels in (t₁, t₁ + w], evaluated on
 * features at t₂ = now − w with labels in (t₂, now] (out of time: nothing from the evaluation
 * period is seen in training), and the holdout AUC / log loss vs. the base rate are stored. The
 * scoring model is then refitted on the t₂ data (the latest complete window) and applied at now.
 */
export type PropensityResult = {
  model: LogisticModel | null;
  reason: string | null;
  metrics: {
    trainRows: number;
    trainPositives: number;
    holdoutRows: number;
    holdoutPositives: number;
    holdoutAuc: number | null;
    holdoutLogLoss: number | null;
    baseRateLogLoss: number | null;
  };
};

const positives = (y: Uint8Array) => y.reduce((s, v) => s + v, 0);

export const trainPropensity = (train: Dataset, holdout: Dataset, l2: number, minClassSize: number): PropensityResult => {
  const trainPositives = positives(train.y);
  const holdoutPositives = positives(holdout.y);
  const metrics = {
    trainRows: train.rows,
    trainPositives,
    holdoutRows: holdout.rows,
    holdoutPositives,
    holdoutAuc: null as number | null,
    holdoutLogLoss: null as number | null,
    baseRateLogLoss: null as number | null,
  };
  const tooFew = (rows: number, pos: number) => Math.min(pos, rows - pos) < minClassSize;
  if (tooFew(train.rows, trainPositives) || tooFew(holdout.rows, holdoutPositives)) {
    return { model: null, reason: `too few labels (train ${trainPositives}/${train.rows}, holdout ${holdoutPositives}/${holdout.rows})`, metrics };
  }
  const evaluated = trainLogistic(train, { lambda: l2 });
  const p = predictAll(evaluated, holdout);
  metrics.holdoutAuc = auc(p, holdout.y);
  metrics.holdoutLogLoss = logLoss(p, holdout.y);
  const baseRate = trainPositives / train.rows;
  metrics.baseRateLogLoss = logLoss(new Float64Array(holdout.rows).fill(baseRate), holdout.y);
  return { model: trainLogistic(holdout, { lambda: l2 }), reason: null, metrics };
};
