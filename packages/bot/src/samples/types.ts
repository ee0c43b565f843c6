// Where a memory chart's points come from. A source answers "each pod's working set over this
// window"; the Prometheus one asks a real Prometheus, the snapshot one replays samples the caller
// kept (the worker's verification samples, diagnoses, the demo simulator's history).
import type { ChartEvent, MemorySeries } from "./chart-types.ts";

export type MemoryWindow = {
  /** End of the window, ms since the epoch (the caller's clock). */
  endMs: number;
  /** Length of the window, ms (e.g. 30 minutes). */
  windowMs: number;
  /** At most this many points per pod (default 300). */
  maxPoints?: number;
};

export type MemoryHistory = {
  /** One series per pod, sorted by pod name (stable colours from one chart to the next). */
  series: MemorySeries[];
  /** The newest memory limit seen (highest across pods); null when no pod has one. */
  limitBytes: number | null;
  /** Changes of that limit inside the window ("limit 512Mi -> 1Gi"). */
  events: ChartEvent[];
  startMs: number;
  endMs: number;
  /** Spacing of the points (Prometheus' step); null for irregular snapshots. */
  stepMs: number | null;
};

export type MemoryHistorySource = {
  memoryHistory(window: MemoryWindow, options?: { signal?: AbortSignal }): Promise<MemoryHistory>;
};

/** The workload a source reads (config target). */
export type MemoryTarget = { namespace: string; container: string };
