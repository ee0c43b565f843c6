// How many rows the legend under the plot takes, so the plot leaves room for it. Pure; text widths
// come from the caller (the renderer passes the bundled font's metrics).
import { LEGEND } from "./theme.ts";

/** Width in px of `text` at `sizePx`. */
export type MeasureText = (text: string, sizePx: number) => number;

/** A stand-in when no font metrics are at hand: DejaVu Sans averages about 0.6 em per character. */
export const approximateWidth: MeasureText = (text, sizePx) => [...text].length * sizePx * 0.6;

/** Rows ECharts' horizontal legend wraps `names` into within `chartWidth` (0 with no names). */
export function legendRows(
  names: readonly string[],
  chartWidth: number,
  measure: MeasureText = approximateWidth,
): number {
  if (names.length === 0) return 0;
  const available = chartWidth - 2 * LEGEND.sideMargin;
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = LEGEND.itemWidth + LEGEND.iconTextGap + measure(name, LEGEND.fontSize);
    const next = used === 0 ? item : used + LEGEND.itemGap + item;
    if (used > 0 && next > available) {
      rows++;
      used = item;
    } else {
      used = next;
    }
  }
  return rows;
}
