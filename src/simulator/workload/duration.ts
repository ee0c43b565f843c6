// Go's time.ParseDuration, which rdev-api uses for CACHE_TTL ("5m", "15s", "1h30m", "1.5h", "300ms").

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration string into milliseconds; null when Go would reject it. */
export function parseGoDuration(text: string): number | null {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return null;
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m?.[1] || !m[2]) return null;
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
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
