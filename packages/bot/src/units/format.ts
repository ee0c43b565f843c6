// Human-readable figures shared by every rendering (text, Slack, evidence sentences, the runbook's
// reasons, chart labels). Pure; beside the unit parsers so every folder can use it without a cycle.

const BINARY_UNITS = ["Ki", "Mi", "Gi", "Ti"] as const;

/**
 * Bytes in Kubernetes binary units, as `kubectl top` prints them: "431Mi", "1.5Gi", "812Ki", "97B".
 * Below 10 units one decimal is kept ("1.5Gi"); trailing ".0" is dropped.
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return "?";
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)}B`;
  let unit: string = "B";
  for (const u of BINARY_UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  const digits = value < 10 ? 1 : 0;
  const text = value.toFixed(digits).replace(/\.0$/, "");
  return `${sign}${text}${unit}`;
}

/** "97.2%" with one decimal, "?" when unknown. */
export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return "?";
  return `${percent.toFixed(1)}%`;
}

/** Integer with thousands separators, "4,812"; one decimal kept below 10 when fractional. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "?";
  const rounded = Math.abs(n) < 10 && !Number.isInteger(n) ? Math.round(n * 10) / 10 : Math.round(n);
  return rounded.toLocaleString("en-US");
}

/** A duration as the largest two units: "45s", "12m", "3h12m", "2d4h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
}

/** "12m ago" relative to `nowMs`; "?" for null. */
export function formatAgo(iso: string | null, nowMs: number): string {
  if (iso === null) return "at an unknown time";
  return `${formatDuration(nowMs - Date.parse(iso))} ago`;
}

/** A signed change in percentage points, "+6.1 pts". */
export function formatPoints(points: number): string {
  const sign = points > 0 ? "+" : points < 0 ? "-" : "±";
  return `${sign}${Math.abs(points).toFixed(1)} pts`;
}

/** Ratio for evidence sentences: "15.5x". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "∞x";
  return `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}x`;
}
