import type { ValueConfig } from './config';
import { sampleIndices } from './columns';
import { compressSummary, discountedExpectedTransactions, fitBgNbd, probabilityAlive, type BgNbdParams } from './models/bgnbd';
import { DAYS_PER_MONTH } from './summary-sql';
import { conditionalExpectedSpend, fitGammaGamma, type GammaGammaParams } from './models/gamma-gamma';

/**
 * CLV and churn for every buyer, from the per-customer summary (months):
 *   model CLV      = Σ_{i=1..H} (E[Y(i)] − E[Y(i−1)]) / (1+d)^i  ×  E[M | x, m]  ×  margin
 *                    (BG/NBD expected purchases, Gamma-Gamma expected spend, monthly discount d)
 *   historical CLV = (total paid / max(T, 1 month)) × Σ_{i=1..H} 1/(1+d)^i × margin, used — and
 *                    flagged `historical` — when fewer than `minRepeatCustomers` buyers have a
 *                    repeat purchase or a fit is unusable (no convergence, Gamma-Gamma q ≤ 1).
 *   churn risk     = 1 − P(alive) × (1 − w_tag·tag) × (1 − w_overdue·overdue) × (1 − w_c·min(c, cap)/cap)
 *                    a noisy-OR: each signal independently removes part of the "still active"
 *                    probability; with no signal churn = 1 − P(alive). Without a fitted BG/NBD,
 *                    P(alive) is taken as 1 (signals only).
 */
export type ClvSummary = {
  x: Float64Array;
  tx: Float64Array;
  age: Float64Array;
  repeatTotal: Float64Array;
  total: Float64Array;
  margin: Float64Array;
  riskTag: Float64Array;
  overdue: Float64Array;
  complaints: Float64Array;
};

export type ClvFit = {
  method: 'bgnbd' | 'historical';
  reason: string | null;
  marginRate: number;
  bgnbd: { params: BgNbdParams; logLikelihood: number; customers: number; converged: boolean } | null;
  gammaGamma: { params: GammaGammaParams; logLikelihood: number; customers: number; converged: boolean } | null;
};

export const fitClv = (data: ClvSummary, config: ValueConfig): ClvFit => {
  const n = data.x.length;
  let revenue = 0;
  let margin = 0;
  let repeaters = 0;
  for (let i = 0; i < n; i += 1) {
    revenue += data.total[i];
    margin += data.margin[i];
    if (data.x[i] > 0) repeaters += 1;
  }
  const observed = revenue > 0 ? Math.min(Math.max(margin / revenue, 0), 1) : 1;
  const marginRate = config.clv.marginRate ?? observed;
  const historical = (reason: string, partial: Partial<ClvFit> = {}): ClvFit => ({
    method: 'historical',
    reason,
    marginRate,
    bgnbd: null,
    gammaGamma: null,
    ...partial,
  });
  if (repeaters < config.clv.minRepeatCustomers) {
    return historical(`${repeaters} customers with repeat purchases (< ${config.clv.minRepeatCustomers})`);
  }
  const sample = sampleIndices(n, config.clv.fitSampleSize);
  const pick = (a: Float64Array) => Float64Array.from(sample, (i) => a[i]);
  // Fitted on customers grouped by x and tx, T to the day (see compressSummary).
  const bg = fitBgNbd(compressSummary({ x: pick(data.x), tx: pick(data.tx), T: pick(data.age) }, 1 / DAYS_PER_MONTH));
  const bgnbd = { ...bg, customers: sample.length };
  if (!bg.converged || !Number.isFinite(bg.logLikelihood)) return historical('BG/NBD fit did not converge', { bgnbd });

  const spenders: number[] = [];
  for (let i = 0; i < n; i += 1) if (data.x[i] > 0 && data.repeatTotal[i] > 0) spenders.push(i);
  const spendSample = sampleIndices(spenders.length, config.clv.fitSampleSize);
  const gx = Float64Array.from(spendSample, (k) => data.x[spenders[k]]);
  const gm = Float64Array.from(spendSample, (k) => data.repeatTotal[spenders[k]] / data.x[spenders[k]]);
  const gg = fitGammaGamma({ x: gx, m: gm });
  const gammaGamma = { ...gg, customers: spendSample.length };
  if (!gg.converged || !(gg.params.q > 1) || !Number.isFinite(gg.logLikelihood)) {
    return historical(gg.params.q > 1 ? 'Gamma-Gamma fit did not converge' : 'Gamma-Gamma q ≤ 1 (mean spend undefined)', { bgnbd, gammaGamma });
  }
  return { method: 'bgnbd', reason: null, marginRate, bgnbd, gammaGamma };
};

export type ClvScore = { pAlive: number | null; expectedTransactions: number | null; expectedSpend: number | null; clv: number; churnRisk: number };

/** Scores customer i with the fit (or the historical fallback). */
export const scoreClv = (fit: ClvFit, data: ClvSummary, i: number, config: ValueConfig): ClvScore => {
  const { horizonMonths: H, monthlyDiscountRate: d } = config.clv;
  const c = config.churn;
  const signals =
    (1 - c.riskTagWeight * (data.riskTag[i] > 0 ? 1 : 0)) *
    (1 - c.overdueWeight * (data.overdue[i] > 0 ? 1 : 0)) *
    (1 - c.complaintWeight * (Math.min(data.complaints[i], c.complaintCap) / c.complaintCap));
  if (fit.method === 'historical' || !fit.bgnbd || !fit.gammaGamma) {
    let annuity = 0;
    for (let k = 1; k <= H; k += 1) annuity += 1 / Math.pow(1 + d, k);
    const clv = (data.total[i] / Math.max(data.age[i], 1)) * annuity * fit.marginRate;
    return { pAlive: null, expectedTransactions: null, expectedSpend: null, clv, churnRisk: 1 - signals };
  }
  const x = data.x[i];
  const pAlive = probabilityAlive(fit.bgnbd.params, x, data.tx[i], data.age[i]);
  const expectedTransactions = discountedExpectedTransactions(fit.bgnbd.params, H, d, x, data.tx[i], data.age[i]);
  const expectedSpend = conditionalExpectedSpend(fit.gammaGamma.params, x, x > 0 ? data.repeatTotal[i] / x : 0);
  return {
    pAlive,
    expectedTransactions,
    expectedSpend,
    clv: expectedTransactions * expectedSpend * fit.marginRate,
    churnRisk: 1 - pAlive * signals,
  };
};
