import type { Plugin } from 'chart.js';

/**
 * A chart.js plugin that publishes where each clickable point of a point chart (scatter, bubble:
 * an element's x / y is its centre) is drawn: JSON in the canvas's `data-targets`,
 * `[{ x, y, ...key }]` in CSS pixels from the canvas's top-left. A canvas has no element per
 * point; this is how the E2E tests (and tools) find a cell to click. While a tooltip shows, its
 * size goes to `data-tooltip` (`{ width, height }`), so a test can check it stays small.
 *
 * `keyOf` receives the point's own data item, read from the chart at draw time. react-chartjs-2
 * registers a chart's plugins once, when the chart is created, so a `keyOf` that closed over the
 * component's data would keep reading the first render's points after the data changed under the
 * chart (empty → scores on the first Recalculate), and fail on indices the old data never had.
 */
export const clickTargets = <T>(keyOf: (item: T) => Record<string, string | number>): Plugin => ({
  id: 'ciClickTargets',
  afterDraw(chart) {
    const targets = chart.data.datasets.flatMap((dataset, d) => {
      if (!chart.isDatasetVisible(d)) return [];
      return chart.getDatasetMeta(d).data.flatMap((el, i) => {
        const item = dataset.data[i] as T | undefined;
        return item === undefined || item === null ? [] : [{ x: Math.round(el.x), y: Math.round(el.y), ...keyOf(item) }];
      });
    });
    chart.canvas.dataset.targets = JSON.stringify(targets);
    const tip = chart.tooltip;
    if (tip && tip.opacity > 0) chart.canvas.dataset.tooltip = JSON.stringify({ width: Math.round(tip.width), height: Math.round(tip.height) });
    else delete chart.canvas.dataset.tooltip;
  },
});
