import { pluginPath } from '../../utils/paths';
import { Box, Flex, Grid, TextButton, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';
import { overviewApi, type Kpi } from '../../../../shared/contracts/overview';
import { useApi } from '../../api/useApi';
import { usePermissions } from '../../hooks/usePermissions';
import { Sparkline } from '../../components/charts/Sparkline';
import { SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

const LABEL: Record<Kpi['key'], MessageKey> = {
  total: 'kpi.total',
  active: 'kpi.active',
  churn_risk: 'kpi.churn_risk',
  new: 'kpi.new',
  deals: 'kpi.deals',
  retention: 'kpi.retention',
};
const HELP: Record<Kpi['key'], MessageKey> = {
  total: 'kpi.total.help',
  active: 'kpi.active.help',
  churn_risk: 'kpi.churn_risk.help',
  new: 'kpi.new.help',
  deals: 'kpi.deals.help',
  retention: 'kpi.retention.help',
};
// For churn risk a rise is bad news.
const GOOD_WHEN_UP: Record<Kpi['key'], boolean> = { total: true, active: true, churn_risk: false, new: true, deals: true, retention: true };

const format = (kpi: Kpi, value: number) => (kpi.unit === 'percent' ? `${(value * 100).toFixed(1)}%` : value.toLocaleString());

const KpiCard = ({ kpi }: { kpi: Kpi }) => {
  const t = useT();
  const navigate = useNavigate();
  const delta = kpi.value - kpi.previous;
  const good = delta === 0 ? null : delta > 0 === GOOD_WHEN_UP[kpi.key];
  const open = () =>
    kpi.rule
      ? navigate(pluginPath(`builder?rule=${encodeURIComponent(JSON.stringify(kpi.rule))}`))
      : navigate(pluginPath(`customers${kpi.filter ? `?${new URLSearchParams(kpi.filter)}` : ''}`));
  return (
    <Box
      tag="button"
      type="button"
      onClick={open}
      background="neutral0"
      shadow="tableShadow"
      hasRadius
      padding={4}
      width="100%"
      style={{ textAlign: 'left', cursor: 'pointer', border: 'none' }}
      data-testid={`ci-kpi-${kpi.key}`}
      title={t(HELP[kpi.key])}
    >
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600">
          {t(LABEL[kpi.key])}
        </Typography>
        <Flex gap={2} alignItems="baseline">
          <Typography variant="alpha">{format(kpi, kpi.value)}</Typography>
          {good !== null && (
            <Flex gap={1} alignItems="center">
              {delta > 0 ? <ArrowUp fill={good ? 'success600' : 'danger600'} /> : <ArrowDown fill={good ? 'success600' : 'danger600'} />}
              <Typography variant="pi" textColor={good ? 'success600' : 'danger600'}>
                {t('kpi.vsPrevious', { previous: format(kpi, kpi.previous) })}
              </Typography>
            </Flex>
          )}
        </Flex>
        <Sparkline labels={kpi.series.map((p) => p.period)} values={kpi.series.map((p) => (kpi.unit === 'percent' ? p.value * 100 : p.value))} />
        <Typography variant="pi" textColor="neutral500">
          {t(HELP[kpi.key])}
        </Typography>
      </Flex>
    </Box>
  );
};

/** The six KPI cards of GET /overview/kpis, each with its trend. */
/** Each card's report: the monitoring page's board, which shows the same figure by the same server function (overview/kpis.ts). */
const ReportLink = ({ kpi }: { kpi: Kpi }) => {
  const t = useT();
  const navigate = useNavigate();
  const today = new Date();
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const from = day(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29));
  return (
    <TextButton onClick={() => navigate(pluginPath(`monitoring?from=${from}&to=${day(today)}#kpi-${kpi.key}`))} data-testid={`ci-kpi-report-${kpi.key}`}>
      {t('kpi.report')}
    </TextButton>
  );
};

export const KpiCards = () => {
  const { can } = usePermissions();
  const { data, error, isLoading, reload } = useApi(overviewApi.kpis, {});
  if (isLoading) return <SectionLoading />;
  if (error || !data) return <SectionError error={error} onRetry={reload} />;
  return (
    <Grid.Root gap={4} data-testid="ci-kpis">
      {data.kpis.map((kpi) => (
        <Grid.Item key={kpi.key} col={4} s={6} xs={12} direction="column" alignItems="stretch">
          <KpiCard kpi={kpi} />
          {can['reports.read'] && <ReportLink kpi={kpi} />}
        </Grid.Item>
      ))}
    </Grid.Root>
  );
};
