import { Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Bar } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import '../../components/charts/setup';
import { useEnumLabel, useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import type { Migration } from '../../../../shared/contracts/values';
import { QUADRANTS } from '../../../../shared/enums';
import { QUADRANT_COLORS } from './quadrantColors';

const STATES = [...QUADRANTS, 'none'] as const;

/** From-quadrant (previous run) × to-quadrant (latest run): a stacked bar chart and the matrix; a cell opens its customers. */
export const MigrationMatrix = ({ data }: { data: Migration }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const navigate = useNavigate();
  const label = (q: string) => (q === 'none' ? t('values.notScored') : enumLabel('enum', q));
  const cell = (from: string, to: string) => data.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0;
  const max = Math.max(1, ...data.cells.map((c) => c.customers));
  // Customers not scored in the latest run were deleted since: there is no list to open.
  const opensList = (from: string, to: string) => to !== 'none' && cell(from, to) > 0;
  const open = (from: string, to: string) => navigate(customersOf({ movedFrom: from, movedTo: to, fromRun: data.fromRun!, toRun: data.toRun! }));
  if (data.cells.length === 0) {
    return (
      <ChartCard title={t('values.migration')} testid="ci-migration">
        <Typography textColor="neutral600">{t('values.migration.needTwo')}</Typography>
      </ChartCard>
    );
  }
  return (
    <ChartCard title={t('values.migration')} help={t('values.migration.help', { from: data.fromRun ?? '—', to: data.toRun ?? '—' })} testid="ci-migration">
      <div style={{ height: 240 }}>
        <Bar
          data={{
            labels: STATES.map(label),
            datasets: STATES.map((to) => ({ label: label(to), data: STATES.map((from) => cell(from, to)), backgroundColor: QUADRANT_COLORS[to] })),
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            scales: {
              x: { stacked: true, title: { display: true, text: t('values.from') } },
              y: { stacked: true, title: { display: true, text: t('values.customersLabel') } },
            },
            onClick: (_e: unknown, elements: any[]) => {
              const el = elements[0];
              if (el && opensList(STATES[el.index], STATES[el.datasetIndex])) open(STATES[el.index], STATES[el.datasetIndex]);
            },
          }}
        />
      </div>
      <Box paddingTop={3}>
        <Table colCount={STATES.length + 1} rowCount={STATES.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('values.fromTo')}</Typography>
              </Th>
              {STATES.map((to) => (
                <Th key={to}>
                  <Typography variant="sigma">{label(to)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {STATES.map((from) => (
              <Tr key={from}>
                <Td>
                  <Typography fontWeight="bold">{label(from)}</Typography>
                </Td>
                {STATES.map((to) => {
                  const n = cell(from, to);
                  return (
                    <Td key={to} style={{ background: n ? `rgba(73,69,255,${0.08 + 0.6 * (n / max)})` : undefined }}>
                      {opensList(from, to) ? (
                        <Box
                          tag="button"
                          type="button"
                          onClick={() => open(from, to)}
                          aria-label={t('values.migration.open', { n, from: label(from), to: label(to) })}
                          data-testid={`ci-migration-${from}-${to}`}
                          data-customers={n}
                          style={{ border: 'none', background: 'none', padding: 0, cursor: 'pointer', textDecoration: 'underline' }}
                        >
                          <Typography fontWeight="bold">{n.toLocaleString()}</Typography>
                        </Box>
                      ) : (
                        <Typography>{n.toLocaleString()}</Typography>
                      )}
                    </Td>
                  );
                })}
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Box>
    </ChartCard>
  );
};
