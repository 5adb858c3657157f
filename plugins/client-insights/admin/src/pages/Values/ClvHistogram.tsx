import { Bar } from 'react-chartjs-2';
import '../../components/charts/setup';
import { useT } from '../../utils/translate';
import { ChartCard } from './ChartCard';
import type { ValueCharts } from '../../../../shared/contracts/overview';

const short = (v: number) => (Math.abs(v) >= 10000 ? `${Math.round(v / 1000)}k` : Math.round(v).toLocaleString());

export const ClvHistogram = ({ data }: { data: ValueCharts }) => {
  const t = useT();
  const months = data.clv?.horizonMonths ?? '—';
  const margin = data.clv ? `${Math.round(data.clv.marginRate * 1000) / 10}%` : '—';
  return (
    <ChartCard title={t('values.clv')} help={t('values.clv.help', { months, margin })} testid="ci-clv-histogram">
      <div style={{ height: 280 }}>
        <Bar
          data={{
            labels: data.clvHistogram.map((b) => `${short(b.from)}–${short(b.to)}`),
            datasets: [{ label: t('values.customersLabel'), data: data.clvHistogram.map((b) => b.customers), backgroundColor: '#7b79ff' }],
          }}
          options={{
            maintainAspectRatio: false,
            animation: false,
            plugins: { legend: { display: false } },
            scales: { x: { title: { display: true, text: t('values.axis.clv', { months }) } } },
          }}
        />
      </div>
    </ChartCard>
  );
};
