import * as React from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { overviewApi } from '../../../../shared/contracts/overview';
import { valuesApi } from '../../../../shared/contracts/values';
import { useApi } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';
import { ClvHistogram } from './ClvHistogram';
import { MigrationMatrix } from './MigrationMatrix';
import { QuadrantScatter } from './QuadrantScatter';
import { Recalculate } from './Recalculate';
import { RfmHeatmap } from './RfmHeatmap';
import { SettingsForm } from './SettingsForm';
import { StrategyCards } from './StrategyCards';

export const ValuesPage = () => {
  const t = useT();
  const when = useDateTime();
  const { can } = usePermissions();
  const rfm = useApi(valuesApi.rfmMatrix, {});
  const charts = useApi(overviewApi.valueCharts, {});
  const migration = useApi(valuesApi.migration, {});
  const cards = useApi(valuesApi.cards, {});
  const reload = () => {
    rfm.reload();
    charts.reload();
    migration.reload();
    cards.reload();
  };
  const loading = rfm.isLoading || charts.isLoading || migration.isLoading || cards.isLoading;
  const error = rfm.error ?? charts.error ?? migration.error ?? cards.error;
  let body: React.ReactNode;
  if (loading && !(rfm.data && charts.data && migration.data && cards.data)) body = <SectionLoading />;
  else if (error || !rfm.data || !charts.data || !migration.data || !cards.data) body = <SectionError error={error} onRetry={reload} />;
  else if (rfm.data.runId === null)
    body = <SectionEmpty message={t('values.empty')} action={can['models.manage'] ? <Recalculate onDone={reload} /> : undefined} />;
  else
    body = (
      <Flex direction="column" alignItems="stretch" gap={4} data-testid="ci-values">
        <Typography variant="pi" textColor="neutral600">
          {t('values.version', { version: rfm.data.modelVersion ?? '—', at: when(rfm.data.calculatedAt) })}
        </Typography>
        <Grid.Root gap={4}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <RfmHeatmap data={rfm.data} />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <QuadrantScatter data={charts.data} />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <ClvHistogram data={charts.data} />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <MigrationMatrix data={migration.data} />
          </Grid.Item>
        </Grid.Root>
        <StrategyCards data={cards.data} onChanged={cards.reload} />
        {can['models.manage'] && (
          <Box>
            <SettingsForm />
          </Box>
        )}
      </Flex>
    );
  return (
    <Page.Main>
      <Page.Title>{t('nav.values')}</Page.Title>
      <Layouts.Header
        title={t('values.title')}
        subtitle={t('values.subtitle')}
        primaryAction={can['models.manage'] ? <Recalculate onDone={reload} /> : undefined}
      />
      <Layouts.Content>{body}</Layouts.Content>
    </Page.Main>
  );
};
