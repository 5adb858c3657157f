import * as React from 'react';
import { Bubble } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { clickTargets } from '../../components/charts/clickTargets';
import { scoreAxis } from '../../components/charts/scoreAxis';
import '../../components/charts/setup';
import { useEnumLabel, useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import type { ValueCharts } from '../../../../shared/contracts/overview';
import { QUADRANTS } from '../../../../shared/enums';
import { QUADRANT_COLORS } from './quadrantColors';

const fmt = (v: number | null, digits = 0) => (v === null ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));

/** Customers by R × M, one bubble per (quadrant, R, M), sized by count; hover shows the quadrant's averages and representatives. */
export const QuadrantScatter = ({ data }: { data: ValueCharts }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const navigate = useNavigate();
  const max = Math.max(1, ...data.points.map((p) => p.customers));
  const byQuadrant = new Map(data.quadrants.map((q) => [q.quadrant, q]));
  const datasets = QUADRANTS.map((q) => {
    const points = data.points.filter((p) => p.quadrant === q);
    return {
      label: enumLabel('enum', q),
      quadrant: q,
      data: points.map((p) => ({ x: p.r, y: p.m, r: 4 + 18 * Math.sqrt(p.customers / max), point: p })),
      backgroundColor: `${QUADRANT_COLORS[q]}99`,
      borderColor: QUADRANT_COLORS[q],
    };
  });
  const pointAt = (d: number, i: number) => (datasets[d].data[i] as { point: ValueCharts['points'][number] }).point;
  const pointFilter = (p: ValueCharts['points'][number]) => ({ quadrant: p.quadrant, r: p.r, m: p.m });
  const targets = React.useMemo(() => clickTargets((d, i) => ({ ...pointFilter(pointAt(d, i)), customers: pointAt(d, i).customers })), [data]);
  return (
    <ChartCard title={t('values.quadrants')} help={t('values.quadrants.help')} testid="ci-quadrant-scatter">
      <div style={{ height: 320 }}>
        <Bubble
          plugins={[targets]}
          data={{ datasets }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            plugins: {
              tooltip: {
                callbacks: {
                  label: (ctx: any) => {
                    const p = ctx.raw.point as ValueCharts['points'][number];
                    const q = byQuadrant.get(p.quadrant);
                    const lines = [
                      `${enumLabel('enum', p.quadrant)} · R${p.r} M${p.m}`,
                      t('values.customers', { n: p.customers }),
                      t('values.avgClv', { v: fmt(p.avgClv) }),
                      t('values.avgChurn', { v: p.avgChurnRisk === null ? '—' : `${Math.round(p.avgChurnRisk * 100)}%` }),
                    ];
                    if (q) {
                      lines.push(t('values.quadrantAvg', { r: fmt(q.avgR, 1), f: fmt(q.avgF, 1), m: fmt(q.avgM, 1), n: q.customers }));
                      if (q.representatives.length) lines.push(t('values.representatives', { names: q.representatives.map((c) => c.name ?? `#${c.id}`).join(', ') }));
                    }
                    return lines;
                  },
                },
              },
            },
            scales: { x: scoreAxis(t('values.axis.r')), y: scoreAxis(t('values.axis.m')) },
            onClick: (_e: unknown, elements: any[]) => {
              const el = elements[0];
              if (el) navigate(customersOf(pointFilter(pointAt(el.datasetIndex, el.index))));
            },
          }}
        />
      </div>
    </ChartCard>
  );
};
