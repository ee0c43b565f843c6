// Colours, font and legend geometry of the memory chart, shared by the option builder and tests.

export const FONT_FAMILY = "DejaVu Sans, sans-serif";

/**
 * Pod line colours: distinct from each other and from the threshold reds and orange
 * (category20's darker half, reds and oranges left out).
 */
export const PALETTE = [
  "#1f77b4",
  "#2ca02c",
  "#9467bd",
  "#17becf",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#393b79",
  "#8c6d31",
  "#6b6ecf",
  "#31a354",
] as const;

export const COLORS = {
  limit: "#d62728",
  critical: "#b3001b",
  warning: "#e69f00",
  event: "#555555",
  text: "#222222",
  muted: "#666666",
  grid: "#e6e6e6",
} as const;

/** The legend under the plot: icon, gap, text; items `itemGap` apart, rows `rowHeight` apart. */
export const LEGEND = {
  fontSize: 14,
  itemWidth: 18,
  itemHeight: 4,
  iconTextGap: 5,
  itemGap: 16,
  rowHeight: 26,
  sideMargin: 16,
} as const;
