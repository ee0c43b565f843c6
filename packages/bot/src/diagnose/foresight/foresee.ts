// The diagnosis' foresight: each pod's time to OOM from its working-set history (Prometheus
// query_range, or the worker's earlier samples) plus the sample just taken, and, when a pod is
// climbing, the rollout history (one list of ReplicaSets) compared with when the climb began.
// Never fails the diagnosis: a history or ReplicaSet read that fails becomes a note.
import type { Cluster, PodInfo, PodMetrics } from "../../k8s/types.ts";
import type { HighMemoryRunbook } from "../../runbooks/high-memory/index.ts";
import type { MemoryHistorySource } from "../../samples/types.ts";
import { describeFailure } from "../failure.ts";
import { podMemory, targetContainer } from "../memory.ts";
import type { Note } from "../types.ts";
import { type BotChange, whatChanged } from "./changes.ts";
import {
  currentRun,
  FORECAST_DEFAULTS,
  forecastPod,
  type MemoryPoint,
  type PodForecast,
} from "./forecast.ts";
import { climbOnset, type Onset } from "./onset.ts";
import type { Foresight } from "./types.ts";

export const HISTORY_WINDOW_MS = 30 * 60_000;

export type ForesightHistory = { label: string; source: MemoryHistorySource };

export type ForeseeInput = {
  cluster: Cluster;
  runbook: HighMemoryRunbook;
  nowMs: number;
  pods: readonly PodInfo[];
  podMetrics: readonly PodMetrics[] | null;
  history: ForesightHistory | null;
  botChanges: readonly BotChange[];
  notes: Note[];
  apiCalls: { list: number };
};

/** Soonest kill first, then the other climbers, then not climbing, then unknown. */
export function compareForecasts(a: PodForecast, b: PodForecast): number {
  const rank = (f: PodForecast) => (f.status === "climbing" ? 0 : f.status === "not-climbing" ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.status === "climbing" && b.status === "climbing") return a.etaMs - b.etaMs;
  return a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0;
}

export async function foresee(input: ForeseeInput): Promise<Foresight> {
  const { runbook, nowMs } = input;
  const series = new Map<string, MemoryPoint[]>();
  let source = "this diagnosis only";
  if (input.history) {
    try {
      const h = await input.history.source.memoryHistory({ endMs: nowMs, windowMs: HISTORY_WINDOW_MS });
      for (const s of h.series) series.set(s.pod, [...s.points]);
      source = input.history.label;
    } catch (error) {
      input.notes.push({
        source: "sampling",
        message: `Memory history from ${input.history.label} unavailable (${describeFailure(error)}); the forecast uses this diagnosis' sample only.`,
      });
    }
  }
  const running = input.pods.filter((p) => p.phase === "Running" && p.deletionTimestamp === null);
  const forecasts = running.map((pod) => {
    const m = input.podMetrics?.find((x) => x.name === pod.name);
    const memory = podMemory(pod, m, runbook.target.container, input.podMetrics ? null : "no metrics");
    const points = [...(series.get(pod.name) ?? [])].filter((p) => p.t < nowMs);
    if (memory.workingSetBytes !== null) points.push({ t: nowMs, bytes: memory.workingSetBytes });
    // Only this container's life: samples from before it started belong to another process.
    const started = targetContainer(pod, runbook.target.container)?.startedAt?.getTime() ?? 0;
    const mine = points.filter((p) => p.t >= started);
    series.set(pod.name, mine);
    return forecastPod(pod.name, mine, memory.limitBytes);
  });
  forecasts.sort(compareForecasts);
  if (!forecasts.some((f) => f.status === "climbing")) return { source, pods: forecasts, change: null };

  const onsets = new Map<string, Onset | null>();
  for (const f of forecasts)
    if (f.status === "climbing")
      onsets.set(f.pod, climbOnset(currentRun(series.get(f.pod) ?? [], HISTORY_WINDOW_MS)));
  try {
    input.apiCalls.list++;
    const replicaSets = await input.cluster.listReplicaSets(
      runbook.target.namespace,
      runbook.target.selector,
      {
        timeoutMs: runbook.diagnostics.timeoutMs,
      },
    );
    const change = whatChanged({
      deployment: runbook.target.deployment,
      pods: input.pods,
      replicaSets,
      forecasts,
      onsets,
      botChanges: input.botChanges,
    });
    return { source, pods: forecasts, change };
  } catch (error) {
    const reason = `rollout history unavailable (${describeFailure(error)})`;
    input.notes.push({
      source: "pods",
      message: `The ${reason}: cannot say which change started the climb.`,
    });
    return { source, pods: forecasts, change: { kind: "unknown", reason } };
  }
}

export { FORECAST_DEFAULTS };
