import type { Plugin } from 'chart.js';

/**
 * A chart.js plugin that publishes where each clickable point of a point chart (scatter, bubble:
 * an element's x / y is its centre) is drawn: JSON in the canvas's `data-targets`,
 * `[{ x, y, ...key }]` in CSS pixels from the canvas's top-left. A canvas has no element per
 * point; this is how the E2E tests (and tools) find a cell to click.
 */
export const clickTargets = (keyOf: (datasetIndex: number, index: number) => Record<string, string | number>): Plugin => ({
  id: 'ciClickTargets',
  afterDraw(chart) {
    const targets = chart.data.datasets.flatMap((_, d) => {
      if (!chart.isDatasetVisible(d)) return [];
      return chart.getDatasetMeta(d).data.map((el, i) => ({ x: Math.round(el.x), y: Math.round(el.y), ...keyOf(d, i) }));
    });
    chart.canvas.dataset.targets = JSON.stringify(targets);
  },
});
