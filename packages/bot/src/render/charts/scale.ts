// Axis arithmetic for the memory chart: a y range in MiB with round ticks that always shows the
// limit, and UTC time labels. Pure.

export const MiB = 1024 * 1024;

/** The smallest of 1, 2, 2.5, 5 x 10^k that is >= `rough` (rough > 0). */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= rough * (1 - 1e-12)) return m * power;
  return 10 * power;
}

/**
 * y axis from 0 to a round maximum at least 5% above `highest` (MiB), at most about `ticks` intervals.
 * An empty chart (highest <= 0) gets 0..100.
 */
export function yAxisScale(highest: number, ticks = 6): { max: number; interval: number } {
  const top = Number.isFinite(highest) && highest > 0 ? highest * 1.05 : 100;
  const interval = niceStep(top / ticks);
  return { max: interval * Math.ceil(top / interval - 1e-9), interval };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "14:05" (UTC); with seconds when the chart spans under 5 minutes; with the date past a day. */
export function timeLabel(t: number, spanMs: number): string {
  const d = new Date(t);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (spanMs < 5 * 60_000) return `${hm}:${pad(d.getUTCSeconds())}`;
  if (spanMs > 24 * 3_600_000) return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}`;
  return hm;
}

/** A MiB tick as "1,024" or "12.5". */
export function mibLabel(mib: number): string {
  return Number(mib.toFixed(1)).toLocaleString("en-US");
}
