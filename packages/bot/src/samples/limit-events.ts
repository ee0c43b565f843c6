// The memory limit over time, as one figure per instant (the highest across pods) and the moments
// it changed. During a rollout that raises the limit, the first new pod moves it. Pure.

import { formatBytes } from "../units/format.ts";
import type { ChartEvent } from "./chart-types.ts";

/** One pod's limit at one instant. */
export type LimitSample = { t: number; pod: string; bytes: number };

/** Highest limit per instant, in time order; instants where no pod has a limit are absent. */
export function limitTimeline(samples: readonly LimitSample[]): { t: number; bytes: number }[] {
  const byTime = new Map<number, number>();
  for (const s of samples) {
    if (!Number.isFinite(s.bytes) || !Number.isFinite(s.t)) continue;
    byTime.set(s.t, Math.max(byTime.get(s.t) ?? Number.NEGATIVE_INFINITY, s.bytes));
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([t, bytes]) => ({ t, bytes }));
}

/** The newest limit and an event at each change, labelled "limit 512Mi -> 1Gi". */
export function limitChanges(samples: readonly LimitSample[]): {
  limitBytes: number | null;
  events: ChartEvent[];
} {
  const timeline = limitTimeline(samples);
  const events: ChartEvent[] = [];
  for (let i = 1; i < timeline.length; i++) {
    const before = timeline[i - 1];
    const now = timeline[i];
    if (before && now && now.bytes !== before.bytes)
      events.push({ t: now.t, label: `limit ${formatBytes(before.bytes)} -> ${formatBytes(now.bytes)}` });
  }
  return { limitBytes: timeline.at(-1)?.bytes ?? null, events };
}
