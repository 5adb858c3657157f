import type { Plugin } from 'chart.js';

/**
 * A chart.js plugin that writes a short text at the centre of each point of a point chart (the
 * heatmap's squares): `labelOf(item)` gives the text and its colour from the point's own data
 * item, read from the chart at draw time (see clickTargets). The texts drawn are published as JSON
 * in the canvas's `data-labels`, for tests.
 */
export const cellLabels = <T>(labelOf: (item: T) => { text: string; color: string }): Plugin => ({
  id: 'ciCellLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const drawn: string[] = [];
    ctx.save();
    ctx.font = 'bold 12px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((dataset, d) => {
      if (!chart.isDatasetVisible(d)) return;
      chart.getDatasetMeta(d).data.forEach((el, i) => {
        const item = dataset.data[i] as T | undefined;
        if (item === undefined || item === null) return;
        const { text, color } = labelOf(item);
        ctx.fillStyle = color;
        ctx.fillText(text, el.x, el.y);
        drawn.push(text);
      });
    });
    ctx.restore();
    chart.canvas.dataset.labels = JSON.stringify(drawn);
  },
});
