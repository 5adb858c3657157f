import { Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Bar } from 'react-chartjs-2';
import '../../components/charts/setup';
import { useEnumLabel, useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { QUADRANT_COLORS, QUADRANTS, type Migration } from './types';

const STATES = [...QUADRANTS, 'none'] as const;

/** From-quadrant (previous run) × to-quadrant (latest run): a stacked bar chart and the matrix. */
export const MigrationMatrix = ({ data }: { data: Migration }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const label = (q: string) => (q === 'none' ? t('values.notScored') : enumLabel('enum', q));
  const cell = (from: string, to: string) => data.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0;
  const max = Math.max(1, ...data.cells.map((c) => c.customers));
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
          options={{ maintainAspectRatio: false, animation: false, scales: { x: { stacked: true, title: { display: true, text: t('values.from') } }, y: { stacked: true } } }}
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
                      <Typography>{n.toLocaleString()}</Typography>
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
