// Go's time.ParseDuration, which rdev-api uses for CACHE_TTL ("5m", "15s", "1h30m", "1.5h", "300ms"):
// the one parser (packages/bot/src/units/duration.ts), and Go's Duration.String for what the simulator prints.
import { parseGoDuration as goDuration } from "@rdev/bot/units/duration.ts";

/** Parses a Go duration string into milliseconds; null when Go would reject it. The simulated
 * rdev-api trims the variable's value before parsing it. */
export function parseGoDuration(text: string): number | null {
  return goDuration(text.trim());
}

/** Go's time.Duration.String for milliseconds: "850ms", "4m2.5s", "1h0m3s", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trim(abs.toFixed(3))}ms`;
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = trim(((abs % 60_000) / 1000).toFixed(3));
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

const trim = (fixed: string): string => fixed.replace(/\.?0+$/, "") || "0";
