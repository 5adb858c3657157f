import { Box, Button, Checkbox, Field, Flex, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { reportsApi } from '../../../../shared/contracts/reports';
import { segmentsApi } from '../../../../shared/contracts/segments';
import { useApi } from '../../api/useApi';
import { toApiError } from '../../api/client';
import { TIME_ZONE, useDateTime } from '../../components/Dates';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';
import { CampaignAttribution } from './CampaignAttribution';
import { isoDay, previousPeriod } from './format';
import { MetricHeatmap } from './MetricHeatmap';
import { ReportKpis } from './ReportKpis';
import { TrendChart } from './TrendChart';
import { useRecomputeAgain } from './recompute';

const defaultPeriod = () => {
  const today = new Date();
  const from = new Date(today.getFullYear(), today.getMonth() - 3, today.getDate() + 1);
  return { from: isoDay(from), to: isoDay(today) };
};

/** Reports → Segment analytics: a segment over a period (and the one before), its trend with a forecast, and all segments side by side; below, campaign attribution. */
export const ReportsPage = () => {
  const t = useT();
  const segments = useApi(segmentsApi.list, { query: { pageSize: 500 } });
  const [segmentId, setSegmentId] = React.useState<number | null>(null);
  const [period, setPeriod] = React.useState(defaultPeriod);
  const [compare, setCompare] = React.useState(true);
  // Figures are served as computed ahead unless the user asks to recompute them (how many times
  // for this question: each click asks again, the trend too); another question serves them again.
  const [recomputed, setRecomputed] = React.useState(0);
  const fresh = recomputed > 0;
  React.useEffect(() => setRecomputed(0), [segmentId, period, compare]);
  const dateTime = useDateTime();
  const chosen = segmentId ?? segments.data?.[0]?.id ?? null;
  const query = { ...period, timeZone: TIME_ZONE, ...(compare ? previousPeriod(period.from, period.to) : {}), ...(fresh ? { fresh: true } : {}) };
  const analytics = useApi(reportsApi.analytics, chosen === null ? null : { params: { segmentId: chosen }, query });
  useRecomputeAgain(recomputed, analytics.reload);
  // A refused period names its field (JSON pointer): shown under that field.
  const fieldError = (field: 'from' | 'to') => analytics.error && toApiError(analytics.error).errors.find((e) => e.path === `/${field}`)?.message;

  const dateField = (field: 'from' | 'to') => (
    <Box minWidth="170px">
      <Field.Root name={`report-${field}`} error={fieldError(field) || undefined}>
        <Field.Label>{t(`reports.${field}` as MessageKey)}</Field.Label>
        <TextInput
          type="date"
          value={period[field]}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => e.target.value && setPeriod((p) => ({ ...p, [field]: e.target.value }))}
          data-testid={`ci-report-${field}`}
        />
        <Field.Error />
      </Field.Root>
    </Box>
  );

  let body: React.ReactNode;
  if (segments.isLoading && !segments.data) body = <SectionLoading />;
  else if (segments.error || !segments.data) body = <SectionError error={segments.error} onRetry={segments.reload} />;
  else if (segments.data.length === 0) body = <SectionEmpty message={t('reports.noSegments')} />;
  else if (analytics.isLoading && !analytics.data) body = <SectionLoading />;
  else if (analytics.error || !analytics.data)
    body = fieldError('from') || fieldError('to') ? null : <SectionError error={analytics.error} onRetry={analytics.reload} />;
  else {
    const a = analytics.data;
    body = (
      <Flex direction="column" alignItems="stretch" gap={6}>
        {a.flags.length > 0 && (
          <Box background="warning100" padding={3} hasRadius data-testid="ci-report-flags">
            {a.flags.map((f) => (
              <Typography key={f} tag="p" variant="pi" textColor="warning700">
                {t(`reports.flag.${f}` as MessageKey, { n: a.minMembers })}
              </Typography>
            ))}
          </Box>
        )}
        <Flex gap={3} alignItems="center" data-testid="ci-report-as-of">
          <Typography variant="pi" textColor={a.stale ? 'warning700' : 'neutral600'}>
            {t(a.stale ? 'reports.asOf.stale' : 'reports.asOf', { at: dateTime(a.asOf) })}
          </Typography>
          <Button variant="tertiary" size="S" loading={analytics.isLoading} onClick={() => setRecomputed((n) => n + 1)} data-testid="ci-report-recompute">
            {t('reports.asOf.recompute')}
          </Button>
        </Flex>
        <ReportKpis analytics={a} />
        <Box background="neutral0" shadow="tableShadow" hasRadius padding={4}>
          <Typography variant="delta" tag="h2">
            {t('reports.trend')}
          </Typography>
          <TrendChart segmentId={a.segment.id} from={period.from} to={period.to} timeZone={TIME_ZONE} recomputed={recomputed} />
        </Box>
        <Box background="neutral0" shadow="tableShadow" hasRadius padding={4}>
          <Typography variant="delta" tag="h2">
            {t('reports.heatmap')}
          </Typography>
          <MetricHeatmap analytics={a} />
        </Box>
      </Flex>
    );
  }

  return (
    <Page.Main>
      <Page.Title>{t('nav.reports')}</Page.Title>
      <Layouts.Header title={t('reports.title')} subtitle={t('reports.subtitle', { zone: TIME_ZONE })} />
      <Layouts.Content>
        <Flex gap={4} paddingBottom={4} wrap="wrap" alignItems="flex-end">
          <Box minWidth="240px">
            <Field.Root name="report-segment">
              <Field.Label>{t('reports.segment')}</Field.Label>
              <SingleSelect
                value={chosen ?? undefined}
                onChange={(v: string | number) => setSegmentId(Number(v))}
                disabled={!segments.data?.length}
                data-testid="ci-report-segment"
              >
                {(segments.data ?? []).map((s) => (
                  <SingleSelectOption key={s.id} value={s.id}>
                    {s.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>
          {dateField('from')}
          {dateField('to')}
          <Box paddingBottom={2}>
            <Checkbox checked={compare} onCheckedChange={(c: boolean | 'indeterminate') => setCompare(c === true)}>
              {t('reports.compare')}
            </Checkbox>
          </Box>
        </Flex>
        {body}
        <Box paddingTop={6}>
          <CampaignAttribution segmentId={chosen} />
        </Box>
      </Layouts.Content>
    </Page.Main>
  );
};
