import { useIntl } from 'react-intl';
import { LOWER_IS_BETTER, type MetricKey } from '../../../../shared/contracts/reports';
import { useMoney } from '../../components/Numbers';
import type { MessageKey } from '../../utils/translate';

export const RATES: readonly MetricKey[] = ['conversionRate', 'retentionRate', 'churnRate', 'revenueShare'];
export const MONEY: readonly MetricKey[] = ['revenue', 'aov', 'margin'];

export const metricLabel = (m: MetricKey) => `reports.metric.${m}` as MessageKey;

/** Whether a rise of the metric is good news (churn: a fall is). */
export const goodWhenUp = (m: MetricKey) => !LOWER_IS_BETTER.includes(m);

/** A metric's value as the admin shows it: money, a percentage or a count; n/a for null. */
export const useMetricFormat = () => {
  const { formatNumber } = useIntl();
  const money = useMoney();
  return (m: MetricKey, v: number | null) =>
    v === null ? '—' : RATES.includes(m) ? formatNumber(v, { style: 'percent', maximumFractionDigits: 1 }) : MONEY.includes(m) ? money(v) : formatNumber(v);
};

/** `yyyy-MM-dd` of a local date. */
export const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The period of the same number of days just before `from`..`to` (the default comparison). */
export const previousPeriod = (from: string, to: string) => {
  const day = (s: string) => new Date(`${s}T12:00:00`);
  const days = Math.round((day(to).getTime() - day(from).getTime()) / 86_400_000) + 1;
  const end = day(from);
  end.setDate(end.getDate() - 1);
  const start = new Date(end);
  start.setDate(start.getDate() - (days - 1));
  return { compareFrom: isoDay(start), compareTo: isoDay(end) };
};
