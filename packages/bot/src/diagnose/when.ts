// One clock per fact: real time for what people did and saw (a diagnosis taken, a message posted),
// and the cluster's own clock only where it differs (a simulator running faster than real time),
// said after it and labelled "cluster clock". Pure.

/** Two readings closer than this are one clock read twice (the worker reads both in one call). */
export const CLOCKS_DIFFER_MS = 2_000;

/** "2026-11-26 09:07:12 UTC". */
export const utcStamp = (ms: number): string =>
  `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC`;

export function clocksDiffer(realMs: number, clusterMs: number | null): clusterMs is number {
  return clusterMs !== null && Math.abs(clusterMs - realMs) >= CLOCKS_DIFFER_MS;
}

/**
 * A moment in real time, and the cluster's clock at that moment when it differs: the time of day
 * alone when both fall on the same UTC date, "2026-11-26 09:16:40" otherwise.
 */
export function whenParts(
  realMs: number,
  clusterMs: number | null,
): { real: string; cluster: string | null } {
  const real = utcStamp(realMs);
  if (!clocksDiffer(realMs, clusterMs)) return { real, cluster: null };
  const cluster = utcStamp(clusterMs).slice(0, 19);
  return { real, cluster: cluster.slice(0, 10) === real.slice(0, 10) ? cluster.slice(11) : cluster };
}

/** "2026-11-26 09:07:12 UTC", or "2026-11-26 09:07:12 UTC · cluster clock 09:16:40". */
export function formatWhen(realMs: number, clusterMs: number | null): string {
  const { real, cluster } = whenParts(realMs, clusterMs);
  return cluster ? `${real} · cluster clock ${cluster}` : real;
}
