export type RfmMatrix = {
  runId: number | null;
  modelVersion: string | null;
  calculatedAt: string | null;
  /** The run's statistics; `scoredByValue`: letters scored by value, not quintiles (too few distinct values). */
  stats?: { scoredByValue?: string[] } | null;
  matrix: { r: number; f: number; customers: number; avgMonetary: number }[];
  quadrants: Record<string, number>;
};
export type Migration = { fromRun: number | null; toRun: number | null; cells: { from: string; to: string; customers: number }[] };
export type ValueCharts = {
  points: { quadrant: string; r: number; m: number; customers: number; avgClv: number | null; avgChurnRisk: number | null }[];
  quadrants: {
    quadrant: string;
    customers: number;
    avgR: number | null;
    avgF: number | null;
    avgM: number | null;
    avgClv: number | null;
    avgChurnRisk: number | null;
    representatives: { id: number; name: string | null; clv: number | null }[];
  }[];
  clvHistogram: { from: number; to: number; customers: number }[];
  /** What the CLV figures measure: the gross margin predicted over the next `horizonMonths` (not a lifetime). */
  clv: { horizonMonths: number; marginRate: number; monthlyDiscountRate: number; method: string } | null;
};
export const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'] as const;
export const QUADRANT_COLORS: Record<string, string> = { high_value: '#328048', potential: '#4945ff', dormant: '#8e8ea9', churn_risk: '#d02b20', none: '#c0c0cf' };
