import { Box, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { useIntl } from 'react-intl';
import { QUADRANTS_OR_NONE } from '../../../../shared/enums';
import { reportsApi } from '../../../../shared/contracts/reports';
import { useApi } from '../../api/useApi';
import { PeriodFields, periodError, usePeriod } from '../../components/PeriodFields';
import { TIME_ZONE } from '../../components/Dates';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useEnumLabel, useT } from '../../utils/translate';
import { FlowCustomers } from './FlowCustomers';
import { FlowSankey, type SankeyLink } from './FlowSankey';

type Picked = { kind: 'segment' | 'quadrant'; source: string; target: string };

/** Reports → Customer flow: between two dates, segment to segment (Sankey) and quadrant to quadrant (value runs), with each flow's customers. */
export const FlowPage = () => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { formatNumber } = useIntl();
  const [period, setPeriod] = usePeriod(31);
  const [picked, setPicked] = React.useState<Picked | null>(null);
  const query = { ...period, timeZone: TIME_ZONE };
  const flow = useApi(reportsApi.flow, { query });

  let body: React.ReactNode;
  if (flow.isLoading && !flow.data) body = <SectionLoading />;
  else if (flow.error || !flow.data)
    body = periodError(flow.error, 'from') || periodError(flow.error, 'to') ? null : <SectionError error={flow.error} onRetry={flow.reload} />;
  else {
    const f = flow.data;
    const names = new Map(f.segments.nodes.map((n) => [n.id, n.name ?? t('flow.none')]));
    const segmentLabel = (id: string) => names.get(id) ?? (id === 'none' ? t('flow.none') : id);
    const quadrantLabel = (q: string) => (q === 'none' ? t('flow.notScored') : enumLabel('enum', q));
    const cell = (from: string, to: string) => f.quadrants.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0;
    const moved = f.segments.links.some((l) => l.source !== 'none' || l.target !== 'none');
    body = (
      <Flex direction="column" alignItems="stretch" gap={6}>
        <Box background="neutral0" shadow="tableShadow" hasRadius padding={4}>
          <Typography variant="delta" tag="h2">
            {t('flow.segments')}
          </Typography>
          <Typography tag="p" variant="pi" textColor="neutral600">
            {t('flow.segments.help')}
          </Typography>
          {moved ? (
            <FlowSankey
              links={f.segments.links.filter((l) => l.source !== 'none' || l.target !== 'none')}
              label={segmentLabel}
              picked={picked?.kind === 'segment' ? (picked as SankeyLink & Picked) : null}
              onPick={(l) => setPicked({ kind: 'segment', source: l.source, target: l.target })}
            />
          ) : (
            <SectionEmpty message={t('flow.empty')} />
          )}
        </Box>
        <Box background="neutral0" shadow="tableShadow" hasRadius padding={4}>
          <Typography variant="delta" tag="h2">
            {t('flow.quadrants')}
          </Typography>
          {f.quadrants.fromRun === null || f.quadrants.toRun === null ? (
            <SectionEmpty message={t('flow.quadrants.empty')} />
          ) : (
            <>
              <Typography tag="p" variant="pi" textColor="neutral600">
                {t('flow.quadrants.runs', { from: f.quadrants.fromRun, to: f.quadrants.toRun })}
              </Typography>
              <Table colCount={QUADRANTS_OR_NONE.length + 1} rowCount={QUADRANTS_OR_NONE.length + 1} data-testid="ci-flow-quadrants">
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('flow.fromTo')}</Typography>
                    </Th>
                    {QUADRANTS_OR_NONE.map((q) => (
                      <Th key={q}>
                        <Typography variant="sigma">{quadrantLabel(q)}</Typography>
                      </Th>
                    ))}
                  </Tr>
                </Thead>
                <Tbody>
                  {QUADRANTS_OR_NONE.map((from) => (
                    <Tr key={from}>
                      <Td>
                        <Typography fontWeight="bold">{quadrantLabel(from)}</Typography>
                      </Td>
                      {QUADRANTS_OR_NONE.map((to) => {
                        const n = cell(from, to);
                        return (
                          <Td key={to}>
                            {n > 0 ? (
                              <button
                                type="button"
                                onClick={() => setPicked({ kind: 'quadrant', source: from, target: to })}
                                style={{ cursor: 'pointer', border: 'none', background: 'none', color: '#4945ff' }}
                                data-testid={`ci-flow-cell-${from}-${to}`}
                              >
                                {formatNumber(n)}
                              </button>
                            ) : (
                              '0'
                            )}
                          </Td>
                        );
                      })}
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </>
          )}
        </Box>
        {picked && (
          <FlowCustomers
            pick={{
              ...query,
              ...picked,
              ...(picked.kind === 'quadrant' ? { runA: f.quadrants.fromRun ?? undefined, runB: f.quadrants.toRun ?? undefined } : {}),
            }}
            title={t('flow.customersOf', {
              from: picked.kind === 'segment' ? segmentLabel(picked.source) : quadrantLabel(picked.source),
              to: picked.kind === 'segment' ? segmentLabel(picked.target) : quadrantLabel(picked.target),
            })}
          />
        )}
      </Flex>
    );
  }

  return (
    <Page.Main>
      <Page.Title>{t('flow.title')}</Page.Title>
      <Layouts.Header title={t('flow.title')} subtitle={t('flow.subtitle', { zone: TIME_ZONE })} />
      <Layouts.Content>
        <Flex gap={4} paddingBottom={4} wrap="wrap" alignItems="flex-end">
          <PeriodFields name="flow" period={period} onChange={setPeriod} error={flow.error} />
        </Flex>
        {body}
      </Layouts.Content>
    </Page.Main>
  );
};
