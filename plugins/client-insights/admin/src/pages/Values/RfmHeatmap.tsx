import * as React from 'react';
import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { Scatter } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { clickTargets } from '../../components/charts/clickTargets';
import { scoreAxis } from '../../components/charts/scoreAxis';
import '../../components/charts/setup';
import { useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import type { RfmMatrix } from '../../../../shared/contracts/values';

/** Colour from pale to strong blue by share of the maximum. */
const shade = (share: number) => `rgba(73, 69, 255, ${0.12 + 0.88 * share})`;

/** R × F grid of squares, coloured by customer count or by average (capped) monetary value. */
export const RfmHeatmap = ({ data }: { data: RfmMatrix }) => {
  const t = useT();
  const navigate = useNavigate();
  const [by, setBy] = React.useState<'count' | 'monetary'>('count');
  const value = (c: RfmMatrix['matrix'][number]) => (by === 'count' ? c.customers : c.avgMonetary);
  const max = Math.max(1, ...data.matrix.map(value));
  // The heatmap counts buyers only (customers without a paid order have no R × F cell).
  const cellFilter = (c: RfmMatrix['matrix'][number]) => ({ r: c.r, f: c.f, hasOrders: true });
  const targets = React.useMemo(() => clickTargets((_d, i) => ({ r: data.matrix[i].r, f: data.matrix[i].f, customers: data.matrix[i].customers })), [data]);
  return (
    <ChartCard
      title={t('values.heatmap')}
      help={t('values.heatmap.help')}
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
          plugins={[targets]}
          data={{
            datasets: [
              {
                label: t('values.heatmap'),
                data: data.matrix.map((c) => ({ x: c.f, y: c.r, cell: c })),
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
                    return [t('values.cell', { r: c.r, f: c.f }), t('values.customers', { n: c.customers }), t('values.avgMonetary', { v: c.avgMonetary.toLocaleString() })];
                  },
                },
              },
            },
            scales: { x: scoreAxis(t('values.axis.f')), y: scoreAxis(t('values.axis.r')) },
            onClick: (_e: unknown, elements: any[]) => {
              const el = elements[0];
              if (el) navigate(customersOf(cellFilter(data.matrix[el.index])));
            },
          }}
        />
      </div>
    </ChartCard>
  );
};
