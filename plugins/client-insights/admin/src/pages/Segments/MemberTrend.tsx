import { Box, Typography } from '@strapi/design-system';
import { Line } from 'react-chartjs-2';
import { useIntl } from 'react-intl';
import { segmentsApi } from '../../../../shared/contracts/segments';
import { useApi } from '../../api/useApi';
import '../../components/charts/setup';
import { SectionError, SectionLoading } from '../../components/States';
import { useT } from '../../utils/translate';

/** Runs the chart reads: the latest ones, one page of the run history. */
const RUNS = 100;

/** Members after each successful run of a segment, oldest to newest (the run history's counts). */
export const MemberTrend = ({ segmentId }: { segmentId: number }) => {
  const t = useT();
  const { formatDate, formatNumber } = useIntl();
  const runs = useApi(segmentsApi.results, { query: { segment: String(segmentId), pageSize: RUNS } });
  if (runs.isLoading && !runs.data) return <SectionLoading />;
  if (runs.error || !runs.data) return <SectionError error={runs.error} onRetry={runs.reload} />;
  const points = runs.data
    .filter((r) => (r.status === 'success' || r.status === 'partial') && r.customerCount !== null)
    .reverse()
    .map((r) => ({ at: r.executedAt ?? r.createdAt, members: r.customerCount! }));
  if (points.length === 0) return <Typography textColor="neutral600">{t('segment.trendEmpty')}</Typography>;
  return (
    <Box data-testid="ci-member-trend" data-points={points.map((p) => p.members).join(',')}>
      <Typography variant="pi" textColor="neutral600">
        {t('segment.trendCaption', { n: points.length })}
      </Typography>
      <div style={{ height: 220 }}>
        <Line
          aria-label={t('segment.trend')}
          role="img"
          data={{
            labels: points.map((p) => formatDate(new Date(p.at), { dateStyle: 'short', timeStyle: 'short' })),
            datasets: [
              {
                label: t('runs.members'),
                data: points.map((p) => p.members),
                borderColor: '#4945ff',
                backgroundColor: '#4945ff22',
                fill: true,
                tension: 0.2,
                pointRadius: 3,
              },
            ],
          }}
          options={{
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${t('runs.members')}: ${formatNumber(c.parsed.y ?? 0)}` } } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => formatNumber(Number(v)) } } },
          }}
        />
      </div>
    </Box>
  );
};
