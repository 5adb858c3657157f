import { Box, Checkbox, Field, Flex, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import * as React from 'react';
import { Bar } from 'react-chartjs-2';
import { useIntl } from 'react-intl';
import { reportsApi, type CampaignAttribution as Attribution } from '../../../../shared/contracts/reports';
import { toApiError } from '../../api/client';
import { useApi } from '../../api/useApi';
import '../../components/charts/setup';
import { EntityPicker } from '../../components/EntityPicker';
import { useMoney } from '../../components/Numbers';
import { SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

type Controls = { campaign: number | undefined; window: string; halfLife: string; inSegment: boolean };

/** Reports → Campaign attribution: the five models side by side (table and bars), ROI, and the lift over each holdout with its 95 % interval. */
export const CampaignAttribution = ({ segmentId }: { segmentId: number | null }) => {
  const t = useT();
  const [c, setC] = React.useState<Controls>({ campaign: undefined, window: '30', halfLife: '7', inSegment: false });
  const query = { window: Number(c.window), halfLife: Number(c.halfLife), ...(c.inSegment && segmentId !== null ? { segmentId: String(segmentId) } : {}) };
  const attribution = useApi(reportsApi.attribution, c.campaign ? { params: { id: c.campaign }, query } : null);
  // A refused field (JSON pointer) is shown under its input; an unknown campaign is a 404 shown under the campaign.
  const apiError = attribution.error ? toApiError(attribution.error) : null;
  const fieldError = (field: string) =>
    apiError?.errors.find((e) => e.path === `/${field}`)?.message ?? (field === 'id' && apiError?.status === 404 ? apiError.message : undefined);

  const input = (field: 'window' | 'halfLife', label: MessageKey) => (
    <Box minWidth="150px">
      <Field.Root name={`attribution-${field}`} error={fieldError(field) || undefined}>
        <Field.Label>{t(label)}</Field.Label>
        <TextInput
          type="number"
          value={c[field]}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => setC((x) => ({ ...x, [field]: e.target.value }))}
          data-testid={`ci-attribution-${field}`}
        />
        <Field.Error />
      </Field.Root>
    </Box>
  );

  const known = apiError && (fieldError('id') || fieldError('window') || fieldError('halfLife'));
  let body: React.ReactNode = null;
  if (!c.campaign) body = <Typography textColor="neutral600">{t('reports.attribution.pick')}</Typography>;
  else if (attribution.isLoading && !attribution.data) body = <SectionLoading />;
  else if (attribution.error || !attribution.data) body = known ? null : <SectionError error={attribution.error} onRetry={attribution.reload} />;
  else body = <AttributionBody a={attribution.data} />;

  return (
    <Box background="neutral0" shadow="tableShadow" hasRadius padding={4} data-testid="ci-attribution">
      <Typography variant="delta" tag="h2">
        {t('reports.attribution')}
      </Typography>
      <Flex gap={4} paddingTop={3} paddingBottom={4} wrap="wrap" alignItems="flex-end">
        <Box minWidth="280px">
          <EntityPicker
            kind="campaign"
            name="attribution-campaign"
            label={t('reports.attribution.campaign')}
            value={c.campaign}
            onChange={(campaign) => setC((x) => ({ ...x, campaign }))}
            error={fieldError('id') || undefined}
            testId="ci-attribution-campaign"
          />
        </Box>
        {input('window', 'reports.attribution.window')}
        {input('halfLife', 'reports.attribution.halfLife')}
        <Box paddingBottom={2}>
          <Checkbox
            checked={c.inSegment}
            disabled={segmentId === null}
            onCheckedChange={(v: boolean | 'indeterminate') => setC((x) => ({ ...x, inSegment: v === true }))}
          >
            {t('reports.attribution.inSegment')}
          </Checkbox>
        </Box>
      </Flex>
      {body}
    </Box>
  );
};

const AttributionBody = ({ a }: { a: Attribution }) => {
  const t = useT();
  const { formatNumber } = useIntl();
  const money = useMoney();
  const pct = (v: number | null) => (v === null ? '—' : formatNumber(v, { style: 'percent', maximumFractionDigits: 1 }));
  const model = (m: string) => t(`reports.attribution.model.${m}` as MessageKey);
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="pi" textColor="neutral600" data-testid="ci-attribution-summary">
        {t('reports.attribution.summary', {
          name: a.campaign.name,
          touches: a.touches.interactions + a.touches.automation,
          customers: a.touches.customers,
          orders: a.conversions.orders,
          budget: a.campaign.budget === null ? '—' : money(a.campaign.budget),
          window: a.window,
        })}
      </Typography>
      {a.flags.length > 0 && (
        <Box background="warning100" padding={3} hasRadius data-testid="ci-attribution-flags">
          {a.flags.map((f) => (
            <Typography key={f} tag="p" variant="pi" textColor="warning700">
              {t(`reports.attribution.flag.${f}` as MessageKey)}
            </Typography>
          ))}
        </Box>
      )}
      <Table colCount={5} rowCount={a.models.length + 1} data-testid="ci-attribution-models">
        <Thead>
          <Tr>
            {(['model', 'conversions', 'revenue', 'margin', 'roi'] as const).map((h) => (
              <Th key={h}>
                <Typography variant="sigma">{t(`reports.attribution.col.${h}` as MessageKey)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {a.models.map((m) => (
            <Tr key={m.model} data-testid={`ci-attribution-model-${m.model}`}>
              <Td>
                <Typography>{model(m.model)}</Typography>
              </Td>
              <Td>
                <Typography>{formatNumber(m.conversions, { maximumFractionDigits: 2 })}</Typography>
              </Td>
              <Td>
                <Typography>{money(m.revenue)}</Typography>
              </Td>
              <Td>
                <Typography>{money(m.margin)}</Typography>
              </Td>
              <Td>
                <Typography>{pct(m.roi)}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <div style={{ height: 240 }}>
        <Bar
          aria-label={t('reports.attribution.chart')}
          role="img"
          data={{
            labels: a.models.map((m) => model(m.model)),
            datasets: [
              { label: t('reports.attribution.col.revenue'), data: a.models.map((m) => m.revenue), backgroundColor: '#4945ff' },
              { label: t('reports.attribution.col.margin'), data: a.models.map((m) => m.margin), backgroundColor: '#5cb176' },
              ...(a.campaign.budget !== null
                ? [{ label: t('reports.attribution.budget'), data: a.models.map(() => a.campaign.budget as number), backgroundColor: '#ee5e52' }]
                : []),
            ],
          }}
          options={{
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            scales: { y: { beginAtZero: true, ticks: { callback: (v) => formatNumber(Number(v)) } } },
          }}
        />
      </div>
      <Typography variant="delta" tag="h3">
        {t('reports.attribution.holdouts')}
      </Typography>
      {a.holdouts.length === 0 ? (
        <Typography textColor="neutral600">{t('reports.attribution.noHoldout')}</Typography>
      ) : (
        <Table colCount={5} rowCount={a.holdouts.length + 1} data-testid="ci-attribution-holdouts">
          <Thead>
            <Tr>
              {(['source', 'treated', 'holdout', 'lift', 'ci'] as const).map((h) => (
                <Th key={h}>
                  <Typography variant="sigma">{t(`reports.attribution.holdout.${h}` as MessageKey)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {a.holdouts.map((h) => (
              <Tr key={`${h.source}:${h.ruleDoc ?? ''}`} data-testid={`ci-attribution-holdout-${h.source}`}>
                <Td>
                  <Typography>{t(`reports.attribution.source.${h.source}` as MessageKey, { name: h.name, percent: h.percent })}</Typography>
                </Td>
                <Td>
                  <Typography>{`${pct(h.treated.rate)} (${h.treated.converted}/${h.treated.customers})`}</Typography>
                </Td>
                <Td>
                  <Typography>{`${pct(h.holdout.rate)} (${h.holdout.converted}/${h.holdout.customers})`}</Typography>
                </Td>
                <Td>
                  <Typography>
                    {h.lift === null
                      ? '—'
                      : t('reports.attribution.pp', { value: formatNumber(h.lift * 100, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }) })}
                  </Typography>
                </Td>
                <Td>
                  <Typography textColor={h.tooSmall ? 'warning700' : undefined}>
                    {h.ci
                      ? t('reports.attribution.ppRange', {
                          low: formatNumber(h.ci[0] * 100, { maximumFractionDigits: 1 }),
                          high: formatNumber(h.ci[1] * 100, { maximumFractionDigits: 1 }),
                        })
                      : '—'}
                    {h.tooSmall ? ` · ${t('reports.attribution.tooSmall', { n: a.minGroup })}` : ''}
                  </Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <Typography variant="pi" textColor="neutral600">
        {t('reports.attribution.method', { halfLife: a.halfLife })}
      </Typography>
    </Flex>
  );
};
