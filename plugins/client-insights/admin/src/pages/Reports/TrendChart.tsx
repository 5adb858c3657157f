import { Box, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import * as React from 'react';
import { Line } from 'react-chartjs-2';
import { useIntl } from 'react-intl';
import { reportsApi, type Granularity } from '../../../../shared/contracts/reports';
import { useApi } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import '../../components/charts/setup';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';
import { useRecomputeAgain } from './recompute';

const SERIES = ['members', 'revenue', 'orders', 'aov'] as const;
type Series = (typeof SERIES)[number];
const LABEL: Record<Series, MessageKey> = {
  members: 'reports.trend.members',
  revenue: 'reports.metric.revenue',
  orders: 'reports.metric.orders',
  aov: 'reports.metric.aov',
};
const HORIZON = 8;

type Props = {
  segmentId: number;
  from: string;
  to: string;
  timeZone: string;
  /** How many times the page's "recompute now" was clicked for this question: from 1 on, computed now, again on each click. */
  recomputed?: number;
};

/** The segment's series per day/week/month with the forecast, its 95 % band and the backtest error. */
export const TrendChart = ({ segmentId, from, to, timeZone, recomputed = 0 }: Props) => {
  const t = useT();
  const dateTime = useDateTime();
  const { formatNumber } = useIntl();
  const [granularity, setGranularity] = React.useState<Granularity>('week');
  const [series, setSeries] = React.useState<Series>('revenue');
  const trends = useApi(reportsApi.trends, {
    params: { segmentId },
    query: { from, to, timeZone, granularity, horizon: HORIZON, ...(recomputed > 0 ? { fresh: true } : {}) },
  });
  useRecomputeAgain(recomputed, trends.reload);
  const controls = (
    <Flex gap={3} paddingBottom={3} wrap="wrap">
      <Box minWidth="160px">
        <SingleSelect aria-label={t('reports.granularity')} value={granularity} onChange={(v: string | number) => setGranularity(String(v) as Granularity)}>
          {(['day', 'week', 'month'] as const).map((g) => (
            <SingleSelectOption key={g} value={g}>
              {t(`reports.granularity.${g}` as MessageKey)}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Box>
      <Box minWidth="200px">
        <SingleSelect aria-label={t('reports.trend.series')} value={series} onChange={(v: string | number) => setSeries(String(v) as Series)}>
          {SERIES.map((s) => (
            <SingleSelectOption key={s} value={s}>
              {t(LABEL[s])}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Box>
    </Flex>
  );
  if (trends.isLoading && !trends.data)
    return (
      <>
        {controls}
        <SectionLoading />
      </>
    );
  if (trends.error || !trends.data)
    return (
      <>
        {controls}
        <SectionError error={trends.error} onRetry={trends.reload} />
      </>
    );
  const data = trends.data;
  const forecast = data.forecast[series];
  if (data.series.every((p) => p.members === 0 && p.orders === 0))
    return (
      <>
        {controls}
        <SectionEmpty message={t('reports.trend.empty')} />
      </>
    );
  const actual = data.series.map((p) => p[series]);
  // The forecast starts at the first period that is not complete, which the series may hold too
  // (the one under way): its labels follow the series' without repeating them.
  const periods = new Set(data.series.map((p) => p.period));
  const labels = [...data.series.map((p) => p.period), ...forecast.points.map((p) => p.period).filter((p) => !periods.has(p))];
  const complete = data.series.filter((p) => !p.partial).length;
  const partial = data.series.find((p) => p.partial);
  const pad = (values: (number | null)[], before: number) => [...Array(before).fill(null), ...values];
  // The forecast line starts at the last complete point so the two join (none when no period is
  // complete yet: then there is no forecast either).
  const last = complete - 1;
  const joined = (pick: (p: (typeof forecast.points)[number]) => number) => (last < 0 ? [] : [...pad([actual[last]], last), ...forecast.points.map(pick)]);
  const backtest = forecast.backtest;
  return (
    <Box data-testid="ci-report-trend" data-points={actual.join(',')} data-forecast={forecast.points.length}>
      {controls}
      <div style={{ height: 280 }}>
        <Line
          aria-label={t('reports.trend')}
          role="img"
          data={{
            labels,
            datasets: [
              {
                label: t('reports.trend.actual'),
                data: actual,
                borderColor: '#4945ff',
                backgroundColor: '#4945ff',
                tension: 0.2,
                pointRadius: 2,
                spanGaps: false,
                // Periods not yet over: a dotted line to a hollow point (figures so far).
                segment: { borderDash: (c) => (c.p1DataIndex >= complete ? [2, 3] : undefined) },
                pointBackgroundColor: data.series.map((p) => (p.partial ? '#ffffff' : '#4945ff')),
              },
              {
                label: t('reports.trend.forecast'),
                data: joined((p) => p.value),
                borderColor: '#ee5e52',
                borderDash: [6, 4],
                pointRadius: 2,
                backgroundColor: '#ee5e52',
              },
              {
                label: t('reports.trend.upper'),
                data: joined((p) => p.upper),
                borderColor: 'transparent',
                backgroundColor: '#ee5e5222',
                pointRadius: 0,
                fill: '+1',
              },
              {
                label: t('reports.trend.lower'),
                data: joined((p) => p.lower),
                borderColor: 'transparent',
                backgroundColor: '#ee5e5222',
                pointRadius: 0,
                fill: false,
              },
            ],
          }}
          options={{
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatNumber(c.parsed.y ?? 0, { maximumFractionDigits: 2 })}` } } },
            scales: { y: { beginAtZero: true, ticks: { callback: (v) => formatNumber(Number(v)) } } },
          }}
        />
      </div>
      {partial && (
        <Typography tag="p" variant="pi" textColor="neutral600" data-testid="ci-report-partial-note">
          {t('reports.trend.partial', { period: partial.period })}
        </Typography>
      )}
      <Typography variant="pi" textColor="neutral600" data-testid="ci-report-forecast-note">
        {t(`reports.trend.method.${forecast.method}` as MessageKey)}
        {' · '}
        {backtest
          ? t('reports.trend.backtest', {
              n: backtest.heldOut,
              mae: formatNumber(backtest.mae, { maximumFractionDigits: 2 }),
              mape: backtest.mape === null ? '—' : formatNumber(backtest.mape, { style: 'percent', maximumFractionDigits: 1 }),
            })
          : t('reports.trend.noBacktest')}
        {' · '}
        <Typography variant="pi" textColor={data.stale ? 'warning700' : 'neutral600'}>
          {t(data.stale ? 'reports.asOf.stale' : 'reports.asOf', { at: dateTime(data.asOf) })}
        </Typography>
      </Typography>
    </Box>
  );
};
