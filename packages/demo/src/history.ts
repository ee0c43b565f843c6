// The demo's memory history: the simulator's pods sampled every few real seconds (in cluster
// time), kept like a small Prometheus would keep them, and offered to the worker as the source
// of its diagnosis charts (so the first chart already has a curve). The alert evaluator reads the
// latest readings from the same place.
import type { Clock } from "@rdev/bot/clock.ts";
import {
  type MemorySnapshot,
  recordSnapshot,
  snapshotHistorySource,
} from "@rdev/bot/samples/snapshot-history-source.ts";
import type { MemoryHistoryProvider } from "@rdev/bot/worker/chart.ts";
import type { SimPodView } from "@rdev/kube-sim/view.ts";

export function snapshotOfPods(pods: readonly SimPodView[], at: number): MemorySnapshot {
  return {
    at,
    pods: pods.map((p) => ({ pod: p.name, workingSetBytes: p.memoryBytes, limitBytes: p.memoryLimitBytes })),
  };
}

export type PodSampler = {
  provider: MemoryHistoryProvider;
  snapshots(): readonly MemorySnapshot[];
  sample(): MemorySnapshot;
  stop(): void;
};

/** Samples `pods()` now and every intervalMs (real) into at most 2 h / 600 snapshots. */
export function startPodSampler(options: {
  pods: () => readonly SimPodView[];
  clock: Clock;
  intervalMs?: number;
}): PodSampler {
  let history: MemorySnapshot[] = [];
  const sample = () => {
    const snapshot = snapshotOfPods(options.pods(), options.clock.now());
    history = recordSnapshot(history, snapshot, { maxAgeMs: 2 * 3_600_000, maxCount: 600 });
    return snapshot;
  };
  sample();
  const timer = setInterval(sample, options.intervalMs ?? 1000);
  timer.unref();
  const source = snapshotHistorySource(() => history);
  return {
    provider: { label: "the simulator's metrics", record: () => {}, source: () => source },
    snapshots: () => history,
    sample,
    stop: () => clearInterval(timer),
  };
}
