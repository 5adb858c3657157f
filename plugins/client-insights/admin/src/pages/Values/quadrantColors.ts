/** Chart colours of the value quadrants (and `none`: not scored in a run). */
export const QUADRANT_COLORS: Record<string, string> = {
  high_value: '#328048',
  potential: '#4945ff',
  dormant: '#8e8ea9',
  churn_risk: '#d02b20',
  none: '#c0c0cf',
};
