// Keeps chart inputs small: at most `maxPoints` per series, each the highest sample of its bucket,
// so a spike towards the limit is never smoothed away. Pure.
import type { MemoryPoint } from "../../samples/chart-types.ts";

export const DEFAULT_MAX_POINTS = 300;

/** Finite samples sorted by time (a stable sort: equal times keep their order). */
export function cleanPoints(points: readonly MemoryPoint[]): MemoryPoint[] {
  return points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.bytes)).sort((a, b) => a.t - b.t);
}

/**
 * Splits the time-sorted, finite samples into at most `maxPoints` buckets of consecutive samples
 * and keeps the highest sample of each (the earliest of equal highs), with its own timestamp.
 */
export function downsampleMax(points: readonly MemoryPoint[], maxPoints = DEFAULT_MAX_POINTS): MemoryPoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new RangeError(`maxPoints must be a whole number >= 1 (got ${maxPoints})`);
  const clean = cleanPoints(points);
  if (clean.length <= maxPoints) return clean;
  const kept: MemoryPoint[] = [];
  for (let b = 0; b < maxPoints; b++) {
    const from = Math.floor((b * clean.length) / maxPoints);
    const to = Math.floor(((b + 1) * clean.length) / maxPoints);
    let best: MemoryPoint | undefined;
    for (let i = from; i < to; i++) {
      const p = clean[i];
      if (p && (best === undefined || p.bytes > best.bytes)) best = p;
    }
    if (best) kept.push(best);
  }
  return kept;
}
