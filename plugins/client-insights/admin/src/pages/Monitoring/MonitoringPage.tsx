import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { useIntl } from 'react-intl';
import { useSearchParams } from 'react-router-dom';
import { reportsApi, type Monitoring } from '../../../../shared/contracts/reports';
import { useApi } from '../../api/useApi';
import { PeriodFields, periodError, usePeriod } from '../../components/PeriodFields';
import { TIME_ZONE } from '../../components/Dates';
import { Sparkline } from '../../components/charts/Sparkline';
import { useDateTime } from '../../components/Dates';
import { SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

type Stat = { key: MessageKey; value: number | null; kind?: 'rate' | 'ms' | 'decimal'; detail?: string };

const useFormat = () => {
  const { formatNumber } = useIntl();
  return (s: Pick<Stat, 'value' | 'kind'>) =>
    s.value === null
      ? '—'
      : s.kind === 'rate'
        ? formatNumber(s.value, { style: 'percent', maximumFractionDigits: 1 })
        : s.kind === 'ms'
          ? `${formatNumber(s.value, { maximumFractionDigits: 0 })} ms`
          : formatNumber(s.value, { maximumFractionDigits: s.kind === 'decimal' ? 2 : 0 });
};

const Section = ({ title, stats }: { title: MessageKey; stats: Stat[] }) => {
  const t = useT();
  const format = useFormat();
  return (
    <Box background="neutral0" shadow="tableShadow" hasRadius padding={4} data-testid={`ci-monitoring-${title}`}>
      <Typography variant="delta" tag="h2">
        {t(title)}
      </Typography>
      <Grid.Root gap={3} paddingTop={3}>
        {stats.map((s) => (
          <Grid.Item key={s.key} col={3} s={6} xs={12} direction="column" alignItems="flex-start">
            <Typography variant="sigma" textColor="neutral600">
              {t(s.key)}
            </Typography>
            <Typography variant="beta">{format(s)}</Typography>
            {s.detail && (
              <Typography variant="pi" textColor="neutral500">
                {s.detail}
              </Typography>
            )}
          </Grid.Item>
        ))}
      </Grid.Root>
    </Box>
  );
};

/** The overview's KPI board as of the period's end, each with its series: the cards of the overview link here. */
const Board = ({ board }: { board: Monitoring['board'] }) => {
  const t = useT();
  const when = useDateTime();
  const format = useFormat();
  return (
    <Box background="neutral0" shadow="tableShadow" hasRadius padding={4} id="board" data-testid="ci-monitoring-board">
      <Typography variant="delta" tag="h2">
        {t('monitoring.board')}
      </Typography>
      <Typography tag="p" variant="pi" textColor="neutral600">
        {t('monitoring.board.help', { at: when(board.asOf) })}
      </Typography>
      <Grid.Root gap={3} paddingTop={3}>
        {board.kpis.map((k) => (
          <Grid.Item key={k.key} col={4} s={6} xs={12} direction="column" alignItems="stretch" id={`kpi-${k.key}`}>
            <Typography variant="sigma" textColor="neutral600">
              {t(`kpi.${k.key}` as MessageKey)}
            </Typography>
            <Typography variant="beta">{format({ value: k.value, kind: k.unit === 'percent' ? 'rate' : undefined })}</Typography>
            <Typography variant="pi" textColor="neutral500">
              {t(`kpi.${k.key}.help` as MessageKey)}
            </Typography>
            <Sparkline labels={k.series.map((p) => p.period)} values={k.series.map((p) => (k.unit === 'percent' ? p.value * 100 : p.value))} />
          </Grid.Item>
        ))}
      </Grid.Root>
    </Box>
  );
};

/** Monitoring: segment coverage and runs, automation outcomes, value-model quality, tag activity and lifecycle over a period. */
export const MonitoringPage = () => {
  const t = useT();
  const [search] = useSearchParams();
  const [period, setPeriod] = usePeriod(30, search);
  const report = useApi(reportsApi.monitoring, { query: { ...period, timeZone: TIME_ZONE } });

  let body: React.ReactNode;
  if (report.isLoading && !report.data) body = <SectionLoading />;
  else if (report.error || !report.data)
    body = periodError(report.error, 'from') || periodError(report.error, 'to') ? null : <SectionError error={report.error} onRetry={report.reload} />;
  else {
    const m = report.data;
    const churn = m.values.churn;
    body = (
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Section
          title="monitoring.segments"
          stats={[
            { key: 'monitoring.coverage', value: m.segments.coverage, kind: 'rate', detail: `${m.segments.covered} / ${m.segments.customers}` },
            {
              key: 'monitoring.runsPerDay',
              value: m.segments.runsPerDay,
              kind: 'decimal',
              detail: t('monitoring.runsDetail', { runs: m.segments.runs, failed: m.segments.failedRuns }),
            },
            { key: 'monitoring.hitRate', value: m.segments.hitRate, kind: 'rate' },
            { key: 'monitoring.runDuration', value: m.segments.avgDurationMs, kind: 'ms' },
          ]}
        />
        <Section
          title="monitoring.automation"
          stats={[
            { key: 'monitoring.triggers', value: m.automation.triggers },
            {
              key: 'monitoring.successRate',
              value: m.automation.successRate,
              kind: 'rate',
              detail: t('monitoring.outcomes', { ok: m.automation.succeeded, failed: m.automation.failed, skipped: m.automation.skipped }),
            },
            { key: 'monitoring.errorRate', value: m.automation.errorRate, kind: 'rate' },
            { key: 'monitoring.latency', value: m.automation.avgLatencyMs, kind: 'ms' },
          ]}
        />
        <Section
          title="monitoring.values"
          stats={[
            { key: 'monitoring.transitionRate', value: m.values.transitionRate, kind: 'rate', detail: `${m.values.moved} / ${m.values.compared}` },
            {
              key: 'monitoring.auc',
              value: churn?.auc ?? null,
              kind: 'decimal',
              detail: churn ? t('monitoring.churnBasis', { scored: churn.scored, churned: churn.churned }) : t('monitoring.noChurnRun'),
            },
            { key: 'monitoring.precision', value: churn?.precision ?? null, kind: 'rate' },
            { key: 'monitoring.recall', value: churn?.recall ?? null, kind: 'rate' },
          ]}
        />
        <Section
          title="monitoring.tags"
          stats={[
            { key: 'monitoring.newTags', value: m.tags.newTags },
            { key: 'monitoring.assignments', value: m.tags.assignments },
            { key: 'monitoring.tagged', value: m.tags.taggedCustomers },
            { key: 'monitoring.expired', value: m.tags.expired },
          ]}
        />
        <Section
          title="monitoring.lifecycle"
          stats={[
            { key: 'monitoring.retention', value: m.lifecycle.retentionRate, kind: 'rate', detail: `${m.lifecycle.retained} / ${m.lifecycle.retentionBase}` },
            { key: 'monitoring.repurchase', value: m.lifecycle.repurchaseRate, kind: 'rate', detail: `${m.lifecycle.repeatBuyers} / ${m.lifecycle.buyers}` },
            { key: 'monitoring.referral', value: m.lifecycle.referralRate, kind: 'rate', detail: `${m.lifecycle.referred} / ${m.lifecycle.newCustomers}` },
            {
              key: 'monitoring.complaint',
              value: m.lifecycle.complaintRate,
              kind: 'rate',
              detail: `${m.lifecycle.complainants} / ${m.lifecycle.activeCustomers}`,
            },
          ]}
        />
        <Board board={m.board} />
      </Flex>
    );
  }

  return (
    <Page.Main>
      <Page.Title>{t('monitoring.title')}</Page.Title>
      <Layouts.Header title={t('monitoring.title')} subtitle={t('monitoring.subtitle', { zone: TIME_ZONE })} />
      <Layouts.Content>
        <Flex gap={4} paddingBottom={4} wrap="wrap" alignItems="flex-end">
          <PeriodFields name="monitoring" period={period} onChange={setPeriod} error={report.error} />
        </Flex>
        {body}
      </Layouts.Content>
    </Page.Main>
  );
};
