import { Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { METRICS, type MetricKey, type SegmentAnalytics } from '../../../../shared/contracts/reports';
import { useT } from '../../utils/translate';
import { goodWhenUp, metricLabel, useMetricFormat } from './format';

/** Cell shade: the value's place between the column's lowest and highest, darker = better. */
const shade = (m: MetricKey, v: number | null, values: number[]) => {
  if (v === null || values.length < 2) return undefined;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = hi === lo ? 0.5 : (v - lo) / (hi - lo);
  const strength = goodWhenUp(m) ? x : 1 - x;
  return `rgba(73, 69, 255, ${(0.08 + 0.5 * strength).toFixed(2)})`;
};

/** Segments × metrics over the period, every segment the user may see; the analysed one first in bold; outliers marked. */
export const MetricHeatmap = ({ analytics }: { analytics: SegmentAnalytics }) => {
  const t = useT();
  const format = useMetricFormat();
  const rows = [...analytics.segments].sort((a, b) =>
    a.id === analytics.segment.id ? -1 : b.id === analytics.segment.id ? 1 : b.metrics.revenue - a.metrics.revenue
  );
  const columns = Object.fromEntries(METRICS.map((m) => [m, rows.map((r) => r.metrics[m]).filter((v): v is number => v !== null)])) as Record<
    MetricKey,
    number[]
  >;
  return (
    <Box>
      <Typography variant="pi" textColor="neutral600">
        {t('reports.heatmap.help')}
      </Typography>
      <Table colCount={METRICS.length + 1} rowCount={rows.length + 1} data-testid="ci-report-heatmap">
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">{t('reports.segment')}</Typography>
            </Th>
            {METRICS.map((m) => (
              <Th key={m}>
                <Typography variant="sigma">{t(metricLabel(m))}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((r) => (
            <Tr key={r.id} data-testid="ci-report-heatmap-row">
              <Td>
                <Typography fontWeight={r.id === analytics.segment.id ? 'bold' : undefined}>{r.name}</Typography>
              </Td>
              {METRICS.map((m) => (
                <Td
                  key={m}
                  style={{ background: shade(m, r.metrics[m], columns[m]) }}
                  title={r.outliers[m] ? t(r.outliers[m] === 'high' ? 'reports.outlier.high' : 'reports.outlier.low') : undefined}
                >
                  <Typography>
                    {format(m, r.metrics[m])}
                    {r.outliers[m] ? ' !' : ''}
                  </Typography>
                </Td>
              ))}
            </Tr>
          ))}
        </Tbody>
      </Table>
    </Box>
  );
};
