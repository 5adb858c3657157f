import * as React from 'react';
import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { Scatter } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { cellLabels } from '../../components/charts/cellLabels';
import { clickTargets } from '../../components/charts/clickTargets';
import { scoreAxis } from '../../components/charts/scoreAxis';
import '../../components/charts/setup';
import { useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import { HoverDetails, useHoverDetails } from './HoverDetails';
import type { RfmMatrix } from '../../../../shared/contracts/values';

/** Colour from pale to strong blue by share of the maximum. */
const shade = (share: number) => `rgba(73, 69, 255, ${0.12 + 0.88 * share})`;

type Cell = RfmMatrix['matrix'][number];
/** Above this share of the maximum a square is dark enough for a white label. */
const DARK = 0.55;

/** R × F grid of squares, coloured by customer count or by average (capped) monetary value, each labelled with its customer count. */
export const RfmHeatmap = ({ data }: { data: RfmMatrix }) => {
  const t = useT();
  const navigate = useNavigate();
  const [by, setBy] = React.useState<'count' | 'monetary'>('count');
  const value = (c: RfmMatrix['matrix'][number]) => (by === 'count' ? c.customers : c.avgMonetary);
  const max = Math.max(1, ...data.matrix.map(value));
  // The heatmap counts buyers only (customers without a paid order have no R × F cell).
  const cellFilter = (c: RfmMatrix['matrix'][number]) => ({ r: c.r, f: c.f, hasOrders: true });
  const targets = React.useMemo(() => clickTargets<{ cell: Cell }>(({ cell }) => ({ r: cell.r, f: cell.f, customers: cell.customers })), []);
  const labels = React.useMemo(
    () => cellLabels<{ cell: Cell; dark: boolean }>(({ cell, dark }) => ({ text: cell.customers.toLocaleString(), color: dark ? '#ffffff' : '#32324d' })),
    []
  );
  const byValue = data.stats?.scoredByValue ?? [];
  const { hover, details } = useHoverDetails();
  return (
    <ChartCard
      title={t('values.heatmap')}
      help={
        byValue.length
          ? `${t('values.heatmap.help')} ${t('values.heatmap.byValue', { letters: byValue.map((l) => l.toUpperCase()).join(', ') })}`
          : t('values.heatmap.help')
      }
      testid="ci-rfm-heatmap"
      actions={
        <SingleSelect size="S" aria-label={t('values.colourBy')} value={by} onChange={(v: string | number) => setBy(v as 'count' | 'monetary')}>
          <SingleSelectOption value="count">{t('values.byCount')}</SingleSelectOption>
          <SingleSelectOption value="monetary">{t('values.byMonetary')}</SingleSelectOption>
        </SingleSelect>
      }
    >
      <div style={{ height: 320 }}>
        <Scatter
          plugins={[targets, labels]}
          data={{
            datasets: [
              {
                label: t('values.heatmap'),
                data: data.matrix.map((c) => ({ x: c.f, y: c.r, cell: c, dark: value(c) / max > DARK })),
                pointStyle: 'rect',
                pointRadius: 26,
                pointHoverRadius: 28,
                backgroundColor: data.matrix.map((c) => shade(value(c) / max)),
              },
            ],
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            plugins: {
              legend: { display: false },
              tooltip: {
                callbacks: {
                  label: (ctx: any) => {
                    const c = ctx.raw.cell as RfmMatrix['matrix'][number];
                    return [
                      t('values.cell', { r: c.r, f: c.f }),
                      t('values.customers', { n: c.customers }),
                      t('values.avgMonetary', { v: c.avgMonetary.toLocaleString() }),
                    ];
                  },
                },
              },
            },
            scales: { x: scoreAxis(t('values.axis.f')), y: scoreAxis(t('values.axis.r')) },
            onClick: (_e: unknown, elements: any[], chart: any) => {
              const el = elements[0];
              const item = el && chart.data.datasets[el.datasetIndex]?.data[el.index];
              if (item) navigate(customersOf(cellFilter(item.cell)));
            },
            // The cell's details (averages, customers) show below the chart, as its list counts them.
            onHover: (_e: unknown, elements: any[], chart: any) => {
              const el = elements[0];
              const cell = el && (chart.data.datasets[el.datasetIndex]?.data[el.index]?.cell as Cell | undefined);
              if (cell) hover({ title: t('values.cell', { r: cell.r, f: cell.f }), query: cellFilter(cell) });
            },
          }}
        />
      </div>
      <HoverDetails hovered={details} hint={t('values.hover.hint')} testid="ci-heatmap-details" />
    </ChartCard>
  );
};
