import { Line } from 'react-chartjs-2';
import './setup';

/** A tiny line chart without axes, for trend cards. */
export const Sparkline = ({ labels, values, color = '#4945ff' }: { labels: string[]; values: number[]; color?: string }) => (
  <div style={{ height: 40 }}>
    <Line
      data={{ labels, datasets: [{ data: values, borderColor: color, backgroundColor: `${color}22`, fill: true, pointRadius: 0, tension: 0.3 }] }}
      options={{
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true, intersect: false } },
        scales: { x: { display: false }, y: { display: false } },
      }}
    />
  </div>
);
