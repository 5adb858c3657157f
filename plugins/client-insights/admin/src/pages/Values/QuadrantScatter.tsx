import * as React from 'react';
import { Flex, Typography } from '@strapi/design-system';
import { Bubble } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { clickTargets } from '../../components/charts/clickTargets';
import { scoreAxis } from '../../components/charts/scoreAxis';
import '../../components/charts/setup';
import { useEnumLabel, useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import { HoverDetails, useHoverDetails } from './HoverDetails';
import type { ValueCharts } from '../../../../shared/contracts/overview';
import { QUADRANTS } from '../../../../shared/enums';
import { QUADRANT_COLORS } from './quadrantColors';

type Point = ValueCharts['points'][number];
const pointFilter = (p: Point) => ({ quadrant: p.quadrant, r: p.r, m: p.m });
const fmt = (v: number | null, digits = 0) => (v === null ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));

/**
 * Where a quadrant's bubble sits around its (R, M) point, in score units. One (R, M) holds up to
 * two quadrants (high value and potential for a high R, dormant and churn risk for a low one):
 * each pair is set apart along R, the wider axis, so neither bubble hides the other.
 */
const OFFSET: Record<string, { x: number; y: number }> = {
  high_value: { x: 0.22, y: 0.12 },
  potential: { x: -0.22, y: 0.12 },
  dormant: { x: -0.22, y: -0.12 },
  churn_risk: { x: 0.22, y: -0.12 },
};
/** Bubble radius in pixels: at most 16, so two bubbles of one (R, M) stay apart. */
const radius = (customers: number, max: number) => 3 + 13 * Math.sqrt(customers / max);

/** Customers by R × M, one bubble per (quadrant, R, M), sized by count; a short tooltip per bubble, the quadrants' averages and representatives below. */
export const QuadrantScatter = ({ data }: { data: ValueCharts }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const navigate = useNavigate();
  const max = Math.max(1, ...data.points.map((p) => p.customers));
  const { hover, details } = useHoverDetails();
  const datasets = QUADRANTS.map((q) => {
    const points = data.points.filter((p) => p.quadrant === q);
    const offset = OFFSET[q];
    return {
      label: enumLabel('enum', q),
      quadrant: q,
      data: points.map((p) => ({ x: p.r + offset.x, y: p.m + offset.y, r: radius(p.customers, max), point: p })),
      backgroundColor: `${QUADRANT_COLORS[q]}99`,
      borderColor: QUADRANT_COLORS[q],
    };
  });
  const targets = React.useMemo(
    () => clickTargets<{ r: number; point: Point }>((item) => ({ ...pointFilter(item.point), customers: item.point.customers, size: Math.round(item.r) })),
    []
  );
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
                displayColors: false,
                padding: 6,
                titleFont: { size: 11 },
                bodyFont: { size: 11 },
                callbacks: {
                  title: (items: any[]) => {
                    const p = items[0]?.raw.point as Point | undefined;
                    return p ? `${enumLabel('enum', p.quadrant)} · R${p.r} M${p.m}` : '';
                  },
                  label: (ctx: any) => {
                    const p = ctx.raw.point as Point;
                    const churn = p.avgChurnRisk === null ? '—' : `${Math.round(p.avgChurnRisk * 100)}%`;
                    return t('values.pointSummary', { n: p.customers, clv: fmt(p.avgClv), churn });
                  },
                },
              },
            },
            scales: { x: scoreAxis(t('values.axis.r')), y: scoreAxis(t('values.axis.m')) },
            onClick: (_e: unknown, elements: any[], chart: any) => {
              const el = elements[0];
              const item = el && chart.data.datasets[el.datasetIndex]?.data[el.index];
              if (item) navigate(customersOf(pointFilter(item.point)));
            },
            // The bubble's details (averages, customers) show below the chart, as its list counts them.
            onHover: (_e: unknown, elements: any[], chart: any) => {
              const el = elements[0];
              const p = el && (chart.data.datasets[el.datasetIndex]?.data[el.index]?.point as Point | undefined);
              if (p) hover({ title: t('values.hover.bubble', { quadrant: enumLabel('enum', p.quadrant), r: p.r, m: p.m }), query: pointFilter(p) });
            },
          }}
        />
      </div>
      <HoverDetails hovered={details} hint={t('values.hover.hintBubble')} testid="ci-quadrant-details" />
      <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2} data-testid="ci-quadrant-summary">
        {QUADRANTS.map((q) => data.quadrants.find((s) => s.quadrant === q))
          .filter((s): s is ValueCharts['quadrants'][number] => Boolean(s))
          .map((s) => (
            <Typography key={s.quadrant} variant="pi" textColor="neutral700">
              <span style={{ color: QUADRANT_COLORS[s.quadrant] }}>●</span> <strong>{enumLabel('enum', s.quadrant)}</strong>{' '}
              {t('values.quadrantAvg', { r: fmt(s.avgR, 1), f: fmt(s.avgF, 1), m: fmt(s.avgM, 1), n: s.customers })}
              {' · '}
              {t('values.avgClv', { v: fmt(s.avgClv) })}
              {s.representatives.length > 0 && ` · ${t('values.representatives', { names: s.representatives.map((c) => c.name ?? `#${c.id}`).join(', ') })}`}
            </Typography>
          ))}
      </Flex>
    </ChartCard>
  );
};
