import * as React from 'react';
import { Box, Flex, Grid, Loader, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Bar } from 'react-chartjs-2';
import '../../components/charts/setup';
import { useEnumLabel, useT } from '../../utils/translate';
import type { PreviewState } from './usePreview';

const SAMPLE_COLUMNS = ['id', 'name', 'stage', 'region'];
const SAMPLE_ROWS = 5;

/**
 * Live count, share, churn-risk distribution and sample of the rule being edited, stacked for the
 * builder's side column. Memoised: typing does not redraw the chart, only a new answer does.
 */
export const PreviewPanel = React.memo(function PreviewPanel({ state, incomplete }: { state: PreviewState; incomplete: boolean }) {
  const t = useT();
  const enumLabel = useEnumLabel();
  const result = state.status === 'ok' ? state.result : state.status === 'loading' ? state.previous : undefined;
  return (
    <Box
      padding={4}
      background="neutral0"
      shadow="tableShadow"
      hasRadius
      data-testid="ci-preview"
      data-status={state.status}
      data-count={result?.count ?? ''}
      data-roundtrip-ms={state.status === 'ok' ? state.roundTripMs.toFixed(1) : ''}
      data-rule={state.status === 'ok' ? state.ruleKey : ''}
      aria-live="polite"
    >
      <Flex gap={3} alignItems="center" paddingBottom={3}>
        <Typography variant="delta" tag="h2">
          {t('preview.title')}
        </Typography>
        {state.status === 'loading' && <Loader small>{t('state.loading')}</Loader>}
        {state.status === 'ok' && (
          <Typography variant="pi" textColor="neutral500" data-testid="ci-preview-ms">
            {t('preview.roundTrip', { ms: Math.round(state.roundTripMs) })}
          </Typography>
        )}
      </Flex>
      {incomplete && state.status !== 'ok' && <Typography textColor="neutral600">{t('preview.incomplete')}</Typography>}
      {state.status === 'idle' && !incomplete && <Typography textColor="neutral600">{t('preview.idle')}</Typography>}
      {state.status === 'invalid' && (
        <Flex direction="column" alignItems="flex-start" gap={1} role="alert" data-testid="ci-preview-refused">
          <Typography textColor="danger600">{t('preview.invalid', { n: state.errors.length })}</Typography>
          {state.errors.map((e) => (
            <Typography key={e.path + e.message} variant="pi" textColor="danger600">
              {e.message}
            </Typography>
          ))}
        </Flex>
      )}
      {state.status === 'error' && (
        <Typography textColor="danger600" role="alert">
          {t('state.error')}: {state.message}
        </Typography>
      )}
      {result?.scope && (
        <Typography variant="pi" textColor="neutral600" tag="p" data-testid="ci-preview-scope" data-parent={result.scope.parent.id}>
          {t('preview.withinParent', { name: result.scope.parent.name })}
        </Typography>
      )}
      {result && (
        <Grid.Root gap={4}>
          <Grid.Item col={12} direction="column" alignItems="flex-start">
            <Typography variant="sigma" textColor="neutral600">
              {t('preview.count')}
            </Typography>
            <Typography variant="alpha" data-testid="ci-preview-count">
              {result.count.toLocaleString()}
            </Typography>
            <Typography variant="sigma" textColor="neutral600">
              {t('preview.share')}
            </Typography>
            <Typography variant="beta" data-testid="ci-preview-share">
              {(result.share * 100).toFixed(1)}%
            </Typography>
            <Typography variant="pi" textColor="neutral500">
              {t('preview.ofTotal', { total: result.total.toLocaleString() })}
            </Typography>
          </Grid.Item>
          <Grid.Item col={12} direction="column" alignItems="stretch">
            <Typography variant="sigma" textColor="neutral600">
              {t('preview.risk')}
            </Typography>
            {result.risk.length === 0 ? (
              <Typography variant="pi" textColor="neutral500">
                {t('preview.riskNone')}
              </Typography>
            ) : (
              <div style={{ height: 140 }}>
                <Bar
                  data={{
                    labels: result.risk.map((b) => enumLabel('risk', b.label)),
                    datasets: [{ data: result.risk.map((b) => b.count), backgroundColor: ['#5cb176', '#f29d41', '#ee5e52'] }],
                  }}
                  options={{ maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } }}
                />
              </div>
            )}
          </Grid.Item>
          <Grid.Item col={12} direction="column" alignItems="stretch">
            <Typography variant="sigma" textColor="neutral600">
              {t('preview.sample')}
            </Typography>
            {result.sample.length === 0 ? (
              <Typography variant="pi" textColor="neutral500">
                {t('preview.sampleNone')}
              </Typography>
            ) : (
              <Table colCount={SAMPLE_COLUMNS.length} rowCount={Math.min(result.sample.length, SAMPLE_ROWS) + 1}>
                <Thead>
                  <Tr>
                    {SAMPLE_COLUMNS.map((c) => (
                      <Th key={c}>
                        <Typography variant="sigma">{t(`customer.${c}` as any)}</Typography>
                      </Th>
                    ))}
                  </Tr>
                </Thead>
                <Tbody>
                  {result.sample.slice(0, SAMPLE_ROWS).map((row, i) => (
                    <Tr key={String(row.id ?? i)}>
                      {SAMPLE_COLUMNS.map((c) => (
                        <Td key={c}>
                          <Typography>{c === 'stage' && row[c] ? enumLabel('enum', String(row[c])) : String(row[c] ?? '—')}</Typography>
                        </Td>
                      ))}
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Grid.Item>
        </Grid.Root>
      )}
    </Box>
  );
});
