import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { METRICS, type SegmentAnalytics } from '../../../../shared/contracts/reports';
import { useT } from '../../utils/translate';
import { goodWhenUp, metricLabel, useMetricFormat } from './format';

/** One card per metric: the value, its change vs the comparison (arrow coloured by good or bad news), rank, benchmark, outlier mark. */
export const ReportKpis = ({ analytics }: { analytics: SegmentAnalytics }) => {
  const t = useT();
  const { formatNumber } = useIntl();
  const format = useMetricFormat();
  return (
    <Grid.Root gap={4} data-testid="ci-report-kpis">
      {METRICS.map((m) => {
        const change = analytics.change?.[m] ?? null;
        const good = change === null || change === 0 ? null : change > 0 === goodWhenUp(m);
        const rank = analytics.ranking[m];
        const outlier = analytics.outliers[m];
        return (
          <Grid.Item key={m} col={4} s={6} xs={12}>
            <Box background="neutral0" shadow="tableShadow" hasRadius padding={4} width="100%" data-testid={`ci-report-kpi-${m}`}>
              <Flex direction="column" alignItems="stretch" gap={1}>
                <Typography variant="sigma" textColor="neutral600">
                  {t(metricLabel(m))}
                </Typography>
                <Flex gap={2} alignItems="baseline">
                  <Typography variant="alpha" data-value={analytics.metrics[m] ?? ''}>
                    {format(m, analytics.metrics[m])}
                  </Typography>
                  {change !== null && (
                    <Flex gap={1} alignItems="center" title={t('reports.vsComparison')}>
                      {change > 0 ? (
                        <ArrowUp fill={good ? 'success600' : 'danger600'} />
                      ) : change < 0 ? (
                        <ArrowDown fill={good ? 'success600' : 'danger600'} />
                      ) : null}
                      <Typography variant="pi" textColor={good === null ? 'neutral600' : good ? 'success600' : 'danger600'} data-change={change}>
                        {formatNumber(change, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' })}
                      </Typography>
                    </Flex>
                  )}
                </Flex>
                <Typography variant="pi" textColor="neutral600">
                  {t('reports.benchmark', { value: format(m, analytics.benchmark[m]) })}
                  {rank ? ` · ${t('reports.rank', { rank: rank.rank, of: rank.of })}` : ''}
                </Typography>
                {outlier && (
                  <Typography variant="pi" textColor="warning600">
                    {t(outlier === 'high' ? 'reports.outlier.high' : 'reports.outlier.low')}
                  </Typography>
                )}
              </Flex>
            </Box>
          </Grid.Item>
        );
      })}
    </Grid.Root>
  );
};
