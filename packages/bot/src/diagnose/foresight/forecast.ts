// Time to OOM from working-set samples: a least-squares line through one container's recent
// samples, extrapolated to its memory limit, with a range from the fit's own uncertainty (slope and
// level at the 95% level, t-distribution), widened to the slopes of the older and the newer half of
// the samples when they differ (growth that bends: a cache filling up beside a leak), and a floor,
// so a clean line does not claim more precision than sampling gives. Pure.

/** One working-set sample of one container (cluster time, ms since the epoch). */
export type MemoryPoint = { t: number; bytes: number };

export type PodForecast =
  | {
      pod: string;
      status: "climbing";
      limitBytes: number;
      /** The fitted working set at the newest sample. */
      currentBytes: number;
      bytesPerMinute: number;
      /** Cluster time of the newest sample the fit used. */
      asOf: number;
      /** Predicted time to the limit from asOf (ms), and its range. */
      etaMs: number;
      lowMs: number;
      highMs: number | null;
      samples: number;
      spanMs: number;
    }
  | {
      pod: string;
      status: "not-climbing";
      bytesPerMinute: number;
      asOf: number;
      samples: number;
      spanMs: number;
    }
  | { pod: string; status: "unknown"; reason: string; samples: number };

export type ForecastOptions = {
  /** Only samples this recent (ms before the newest) are fitted. */
  windowMs?: number;
  /** At least this many samples (>= 3: two points give no uncertainty). */
  minSamples?: number;
  /** A slope below this (bytes/min) is "not climbing" whatever its significance. */
  minBytesPerMinute?: number;
  /** The range is at least this fraction of the estimate either way. */
  floorFraction?: number;
  /** ...and at least this many ms either way. */
  floorMs?: number;
};

export const FORECAST_DEFAULTS = {
  windowMs: 15 * 60_000,
  minSamples: 3,
  minBytesPerMinute: 256 * 1024,
  floorFraction: 0.1,
  floorMs: 30_000,
} as const;

/** Two-sided 95% t quantiles by degrees of freedom (1..30); beyond, 1.96 with a small correction. */
const T95 = [
  12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const t95 = (df: number): number => T95[df - 1] ?? 1.96 + 2.4 / df;

/**
 * The samples of the current container only: everything after the last drop of more than a
 * quarter (a restart or an OOM kill starts the process over), within the window, oldest first.
 */
export function currentRun(points: readonly MemoryPoint[], windowMs: number): MemoryPoint[] {
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.bytes))
    .sort((a, b) => a.t - b.t);
  let start = 0;
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]?.bytes ?? 0;
    if ((sorted[i]?.bytes ?? 0) < prev * 0.75) start = i;
  }
  const run = sorted.slice(start);
  const newest = run.at(-1)?.t ?? 0;
  return run.filter((p) => p.t >= newest - windowMs);
}

export type LineFit = { a: number; b: number; n: number; meanT: number; sxx: number; s2: number };

/** Ordinary least squares bytes = a + b (t - meanT); s2 the residual variance (n - 2 df). */
export function fitLine(points: readonly MemoryPoint[]): LineFit | null {
  const n = points.length;
  if (n < 2) return null;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanY = points.reduce((s, p) => s + p.bytes, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.bytes - meanY);
  }
  if (sxx === 0) return null;
  const b = sxy / sxx;
  let ssr = 0;
  for (const p of points) ssr += (p.bytes - (meanY + b * (p.t - meanT))) ** 2;
  return { a: meanY, b, n, meanT, sxx, s2: n > 2 ? ssr / (n - 2) : 0 };
}

/** The slopes of the older and newer half of the samples (none below 4 samples). */
function halfSlopes(run: readonly MemoryPoint[]): number[] {
  if (run.length < 4) return [];
  const mid = Math.floor(run.length / 2);
  return [fitLine(run.slice(0, mid + (run.length % 2))), fitLine(run.slice(mid))].flatMap((f) =>
    f ? [f.b] : [],
  );
}

export function forecastPod(
  pod: string,
  points: readonly MemoryPoint[],
  limitBytes: number | null,
  options: ForecastOptions = {},
): PodForecast {
  const o = { ...FORECAST_DEFAULTS, ...options };
  if (limitBytes === null || !(limitBytes > 0))
    return { pod, status: "unknown", reason: "no memory limit", samples: points.length };
  const run = currentRun(points, o.windowMs);
  if (run.length < Math.max(3, o.minSamples)) {
    const have = run.length === 1 ? "1 sample" : `${run.length} samples`;
    return {
      pod,
      status: "unknown",
      reason: `${have} so far; a trend needs ${Math.max(3, o.minSamples)}`,
      samples: run.length,
    };
  }
  const fit = fitLine(run);
  const first = run[0];
  const last = run.at(-1);
  if (!fit || !first || !last)
    return { pod, status: "unknown", reason: "all samples at one instant", samples: run.length };
  const spanMs = last.t - first.t;
  const perMs = fit.b;
  const seSlope = Math.sqrt(fit.s2 / fit.sxx);
  const k = t95(fit.n - 2);
  const common = { pod, asOf: last.t, samples: run.length, spanMs, bytesPerMinute: perMs * 60_000 };
  if (perMs * 60_000 < o.minBytesPerMinute || perMs - k * seSlope <= 0)
    return { ...common, status: "not-climbing" };
  const dt = last.t - fit.meanT;
  const level = fit.a + perMs * dt;
  const seLevel = Math.sqrt(fit.s2 * (1 / fit.n + dt ** 2 / fit.sxx));
  const headroom = limitBytes - level;
  const etaMs = Math.max(0, headroom / perMs);
  const halves = halfSlopes(run);
  const fast = Math.max(perMs + k * seSlope, ...halves);
  const slow = Math.min(perMs - k * seSlope, ...halves);
  const floor = Math.max(o.floorMs, etaMs * o.floorFraction);
  const lowMs = Math.max(0, Math.min(etaMs - floor, (headroom - k * seLevel) / fast));
  const highMs = slow > 0 ? Math.max(etaMs + floor, (headroom + k * seLevel) / slow) : null;
  return { ...common, status: "climbing", limitBytes, currentBytes: level, etaMs, lowMs, highMs };
}
