// The memory chart a diagnosis gets in its thread: each pod's working set with the limit and the
// warning line, as a PNG upload. Its points come from Prometheus (query_range) when
// PROMETHEUS_URL is set, else from the per-pod memory of the last diagnoses this worker made of
// the same target (kept in memory: a worker that just started has no history, and then posts no
// chart until its second diagnosis). Charting is best effort: it never fails a diagnosis job.

import type { Diagnosis } from "../diagnose/types.ts";
import { whenParts } from "../diagnose/when.ts";
import type { Logger } from "../logger.ts";
import type { ReplyTo } from "../queue/jobs.ts";
import { memoryChartPng } from "../render/charts/memory-chart.ts";
import { chartInputFromHistory, oomKillEvents } from "../samples/chart-input.ts";
import type { ChartEvent } from "../samples/chart-types.ts";
import { prometheusRangeSource } from "../samples/prometheus-range-source.ts";
import {
  type MemorySnapshot,
  recordSnapshot,
  snapshotFromDiagnosis,
  snapshotHistorySource,
} from "../samples/snapshot-history-source.ts";
import type { MemoryHistorySource, MemoryTarget } from "../samples/types.ts";
import type { WorkerDeps } from "./deps.ts";
import { postBestEffort, uploadFile } from "./thread.ts";

/** Where a worker's charts get their points, per target ("namespace/deployment"). */
export type MemoryHistoryProvider = {
  /** Said under the chart's title, e.g. "Prometheus". */
  label: string;
  /** Every diagnosis' pods, as it is made (a provider that keeps history records it). */
  record(target: string, snapshot: MemorySnapshot): void;
  source(target: string): MemoryHistorySource;
};

export const CHART_WINDOW_MS = 30 * 60_000;

/** The last diagnoses' per-pod memory, in this process, at most maxCount per target within maxAgeMs. */
export function diagnosisHistory(limits = { maxCount: 60, maxAgeMs: 2 * 3_600_000 }): MemoryHistoryProvider {
  const byTarget = new Map<string, MemorySnapshot[]>();
  return {
    label: "the last diagnoses",
    record: (target, snapshot) =>
      byTarget.set(target, recordSnapshot(byTarget.get(target) ?? [], snapshot, limits)),
    source: (target) => snapshotHistorySource(() => byTarget.get(target) ?? []),
  };
}

export function prometheusHistory(baseUrl: string, target: MemoryTarget): MemoryHistoryProvider {
  const source = prometheusRangeSource({ baseUrl, target });
  return { label: "Prometheus", record: () => {}, source: () => source };
}

/** "namespace/deployment" of a diagnosis, the key its history is kept under. */
export const targetKey = (t: { namespace: string; deployment: string }): string =>
  `${t.namespace}/${t.deployment}`;

export function recordDiagnosis(provider: MemoryHistoryProvider, diagnosis: Diagnosis): void {
  provider.record(targetKey(diagnosis.target), snapshotFromDiagnosis(diagnosis));
}

/**
 * The chart's points are cluster time. Where the cluster's clock is not real time (a sped-up
 * simulator), the axis, the window and the comment say so, with both clocks at the chart's end.
 */
export function chartClock(
  realMs: number,
  clusterMs: number,
): { window: string; axis: string | null; note: string } {
  const when = whenParts(realMs, clusterMs);
  if (!when.cluster) return { window: "", axis: null, note: "" };
  return {
    window: " of cluster time",
    axis: "UTC, cluster clock",
    note: ` Times are the simulated cluster's clock: ${when.cluster} there at ${when.real}.`,
  };
}

export type ChartOutcome = { status: "posted" } | { status: "skipped" | "failed"; reason: string };

/**
 * Renders the target's memory over the last 30 minutes (cluster time) and uploads it into the
 * thread. Never throws: a failure is logged, noted in the thread and returned.
 */
export async function postMemoryChart(
  deps: Pick<WorkerDeps, "slack" | "runbook" | "now" | "realNow"> & { memoryHistory: MemoryHistoryProvider },
  log: Logger,
  replyTo: ReplyTo,
  options: { target: string; diagnosis: Diagnosis | null },
): Promise<ChartOutcome> {
  try {
    const clusterNow = deps.now();
    const clock = chartClock(deps.realNow(), clusterNow);
    const history = await deps.memoryHistory
      .source(options.target)
      .memoryHistory({ endMs: clusterNow, windowMs: CHART_WINDOW_MS });
    if (!history.series.some((s) => s.points.length >= 2)) {
      log.info({ target: options.target }, "memory chart skipped: fewer than two samples so far");
      return { status: "skipped", reason: "fewer than two samples so far" };
    }
    const events: ChartEvent[] = options.diagnosis ? oomKillEvents(options.diagnosis.oomKills) : [];
    const { warningPercent, criticalPercent } = deps.runbook.thresholds;
    const png = memoryChartPng(
      chartInputFromHistory(history, {
        title: `Memory of ${options.target}`,
        subtitle: `working set per pod, last ${CHART_WINDOW_MS / 60_000} min${clock.window} (from ${deps.memoryHistory.label})`,
        ...(clock.axis ? { timeAxisName: clock.axis } : {}),
        warningPercent,
        criticalPercent,
        events,
      }),
    );
    const name = `memory-${options.target.replace("/", "-")}.png`;
    const title = `Memory of ${options.target}`;
    const comment = `${title}, last ${CHART_WINDOW_MS / 60_000} min${clock.window}.${clock.note}`;
    await uploadFile(deps, replyTo, { name, title, bytes: png, comment });
    return { status: "posted" };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn({ err: error, target: options.target }, "memory chart failed; the diagnosis stands");
    await postBestEffort(deps, log, replyTo, {
      text: `(No memory chart this time: ${reason})`,
      blocks: [
        { type: "context", elements: [{ type: "mrkdwn", text: `_No memory chart this time: ${reason}_` }] },
      ],
    });
    return { status: "failed", reason };
  }
}
