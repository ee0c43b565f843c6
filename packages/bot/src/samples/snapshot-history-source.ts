// Memory history from snapshots the caller kept: each a time and every pod's working set (and
// limit) then. The worker keeps a few from diagnoses and verification samples; the demo keeps
// the simulator's. Pure apart from reading the caller's list when asked.

import type { MemorySeries } from "./chart-types.ts";
import { limitChanges } from "./limit-events.ts";
import type { MemoryHistory, MemoryHistorySource, MemoryWindow } from "./types.ts";

export type PodMemorySample = {
  pod: string;
  /** null: no figure at this instant (metrics missing); the pod's line has no point here. */
  workingSetBytes: number | null;
  /** Undefined or null: no limit known for this pod at this instant. */
  limitBytes?: number | null;
};

export type MemorySnapshot = { at: number; pods: PodMemorySample[] };

/** Snapshots inside [endMs - windowMs, endMs] as a MemoryHistory (series sorted by pod name). */
export function historyFromSnapshots(
  snapshots: readonly MemorySnapshot[],
  window: MemoryWindow,
): MemoryHistory {
  const startMs = window.endMs - window.windowMs;
  const inWindow = snapshots
    .filter((s) => Number.isFinite(s.at) && s.at >= startMs && s.at <= window.endMs)
    .sort((a, b) => a.at - b.at);
  const byPod = new Map<string, MemorySeries>();
  for (const snapshot of inWindow) {
    for (const p of snapshot.pods) {
      const series = byPod.get(p.pod) ?? { pod: p.pod, points: [] };
      byPod.set(p.pod, series);
      if (p.workingSetBytes !== null && Number.isFinite(p.workingSetBytes))
        series.points.push({ t: snapshot.at, bytes: p.workingSetBytes });
    }
  }
  const limits = inWindow.flatMap((s) =>
    s.pods.flatMap((p) =>
      typeof p.limitBytes === "number" ? [{ t: s.at, pod: p.pod, bytes: p.limitBytes }] : [],
    ),
  );
  const { limitBytes, events } = limitChanges(limits);
  return {
    series: [...byPod.values()].sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0)),
    limitBytes,
    events,
    startMs,
    endMs: window.endMs,
    stepMs: null,
  };
}

/** A source over the caller's snapshots, read afresh on every call (pass a getter for a live list). */
export function snapshotHistorySource(
  snapshots: readonly MemorySnapshot[] | (() => readonly MemorySnapshot[]),
): MemoryHistorySource {
  const read = typeof snapshots === "function" ? snapshots : () => snapshots;
  return { memoryHistory: async (window) => historyFromSnapshots(read(), window) };
}

/** What a snapshot needs of a Diagnosis (a shape, so this folder stays below diagnostics). */
type Diagnosis = {
  gatheredAt: string;
  pods: readonly { name: string; memory: { workingSetBytes: number | null; limitBytes: number | null } }[];
};

/** The diagnosis' pods at its gatheredAt, as one snapshot. */
export function snapshotFromDiagnosis(diagnosis: Diagnosis): MemorySnapshot {
  return {
    at: Date.parse(diagnosis.gatheredAt),
    pods: diagnosis.pods.map((p) => ({
      pod: p.name,
      workingSetBytes: p.memory.workingSetBytes,
      limitBytes: p.memory.limitBytes,
    })),
  };
}

/** Appends `snapshot`, keeping those within `maxAgeMs` of it and at most `maxCount`, oldest first. */
export function recordSnapshot(
  history: readonly MemorySnapshot[],
  snapshot: MemorySnapshot,
  limits: { maxAgeMs: number; maxCount: number },
): MemorySnapshot[] {
  const kept = [...history, snapshot]
    .filter((s) => s.at >= snapshot.at - limits.maxAgeMs)
    .sort((a, b) => a.at - b.at);
  return kept.slice(Math.max(0, kept.length - limits.maxCount));
}
