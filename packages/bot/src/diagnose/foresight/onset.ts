// When a pod's memory began climbing: a hinge fit (flat, then a straight climb from τ) over the
// container's samples, τ chosen among the sample times for the least squared error. "Before the
// first sample" when the climb is already under way in the oldest sample. Pure.
import { fitLine, type MemoryPoint } from "./forecast.ts";

export type Onset =
  /** The climb began near `at` (cluster ms); flat before it in the samples. */
  | { kind: "seen"; at: number }
  /** Climbing in every sample: it began before `before` (the oldest sample). */
  | { kind: "before"; before: number };

function sse(points: readonly MemoryPoint[], tau: number): number {
  // y = c + b * max(0, t - tau): OLS on x = max(0, t - tau).
  const xs = points.map((p) => ({ t: Math.max(0, p.t - tau), bytes: p.bytes }));
  const fit = fitLine(xs);
  if (!fit) {
    const mean = points.reduce((s, p) => s + p.bytes, 0) / points.length;
    return points.reduce((s, p) => s + (p.bytes - mean) ** 2, 0);
  }
  if (fit.b <= 0) return Number.POSITIVE_INFINITY;
  return xs.reduce((s, p) => s + (p.bytes - (fit.a + fit.b * (p.t - fit.meanT))) ** 2, 0);
}

/** Onset of the climb in one container's samples (oldest first, at least 4 of them), or null. */
export function climbOnset(points: readonly MemoryPoint[]): Onset | null {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const first = sorted[0];
  if (!first || sorted.length < 4) return null;
  let best = { tau: first.t, err: sse(sorted, first.t) };
  // τ up to the third-newest sample: a climb needs two points after the hinge.
  for (let i = 1; i < sorted.length - 2; i++) {
    const tau = sorted[i]?.t ?? first.t;
    const err = sse(sorted, tau);
    if (err < best.err * 0.8) best = { tau, err };
  }
  if (!Number.isFinite(best.err)) return null;
  return best.tau === first.t ? { kind: "before", before: first.t } : { kind: "seen", at: best.tau };
}
