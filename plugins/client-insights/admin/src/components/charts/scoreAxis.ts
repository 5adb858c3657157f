/**
 * A linear axis for a 1–5 score (R, F or M) with one labelled tick per score and a title.
 *
 * With min 0.5 / max 5.5 (so the squares and bubbles of score 1 and 5 are not cut off),
 * chart.js places its own ticks at 0.5, 1.5, … 5.5: none is a score, so the ticks are set here.
 */
export const scoreAxis = (title: string) => ({
  type: 'linear' as const,
  min: 0.5,
  max: 5.5,
  afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
    axis.ticks = [1, 2, 3, 4, 5].map((value) => ({ value }));
  },
  ticks: { autoSkip: false, font: { size: 12, weight: 'bold' as const } },
  grid: { offset: false },
  title: { display: true, text: title, font: { size: 12 } },
});
